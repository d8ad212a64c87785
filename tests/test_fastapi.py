"""Claims of the FastAPI page (docs/fastapi.md) that the generic walkthrough
checks do not cover.

Writing with POST: what each request body gets back, and what `GET /items/`
lists afterwards. Every case runs twice: in-process, through Starlette's
TestClient around a freshly imported `main.py` (so each case starts from the
two items the page shows), and against the page's own `fastapi dev main.py`
and `fastapi run` over real HTTP, where the cases run one after another on one
server.

Then the page's reasons and details: the answer to bad input is FastAPI's own
minus the echoed `input`, without which NaN or half an emoji turns it into a
500; the length limit is what refuses half an emoji; every JSON block on the
page is a tested answer; `/openapi.json` describes the three operations;
`/docs` loads Swagger UI from a CDN; `fastapi[standard]` brings the command,
Uvicorn, WatchFiles and httptools; `fastapi dev` runs a reloader and a worker,
starts a fresh worker when `main.py` changes, and leaves no process behind when
stopped; `fastapi run` is one process, on every interface unless told otherwise.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from guide.checks import where
from guide.clients import app_of, client_for, http_get, import_snippet, loopback_client
from guide.live import LiveServers
from guide.paths import ROOT
from guide.processes import Server, listening_addresses
from guide.walkthroughs import Command, walkthrough

W = walkthrough("fastapi.items")
SERVE = W.step("serve")
CONTEXT = where(W, SERVE)
START = SERVE.visits[0].json
"""The two items the page shows at /items/, which every fresh import starts with."""
JSON = {"content-type": "application/json"}


def detail(kind: str, loc: list[Any], msg: str, **ctx: Any) -> dict[str, Any]:
    """A 422 body with one error, as the page's handler writes it (no `input`)."""
    error = {"type": kind, "loc": loc, "msg": msg}
    return {"detail": [error | ({"ctx": ctx} if ctx else {})]}


UNREADABLE = {"detail": "There was an error parsing the body"}
"""FastAPI's own 400 for a body Python cannot read as JSON at all."""


@dataclasses.dataclass(frozen=True)
class Post:
    """One POST /items/ the page talks about, and the answer it describes."""

    name: str
    request: dict[str, Any]
    status: int
    json: Any
    default_handler_fails: bool = False
    """True if FastAPI's default handler cannot write its answer (a 500)."""

    @property
    def created(self) -> bool:
        return self.status == 201


POSTS = [
    Post(
        "creates",
        {"json": {"id": 3, "name": "Saw"}},
        201,
        {"id": 3, "name": "Saw", "description": None},
    ),
    Post(
        "id-as-digits-is-converted",
        {"json": {"id": "4", "name": "Pliers"}},
        201,
        {"id": 4, "name": "Pliers", "description": None},
    ),
    Post(
        "existing-id",
        {"json": {"id": 1, "name": "Another hammer"}},
        409,
        {"detail": "Item already exists"},
    ),
    Post(
        "string-id",
        {"json": {"id": "abc", "name": "Saw"}},
        422,
        detail(
            "int_parsing",
            ["body", "id"],
            "Input should be a valid integer, unable to parse string as an integer",
        ),
    ),
    Post(
        "missing-name",
        {"json": {"id": 5}},
        422,
        detail("missing", ["body", "name"], "Field required"),
    ),
    Post(
        "name-too-long",
        {"json": {"id": 5, "name": "x" * 101}},
        422,
        detail(
            "string_too_long",
            ["body", "name"],
            "String should have at most 100 characters",
            max_length=100,
        ),
    ),
    Post(
        "malformed-json",
        {"content": '{"id": 5, "name": "Saw"', "headers": JSON},
        422,
        detail("json_invalid", ["body", 23], "JSON decode error", error="Expecting ',' delimiter"),
    ),
    Post(
        "nan",
        {"content": '{"id": NaN, "name": "Saw"}', "headers": JSON},
        422,
        detail("finite_number", ["body", "id"], "Input should be a finite number"),
        default_handler_fails=True,
    ),
    Post(
        "infinity",
        {"content": '{"id": 5, "name": Infinity}', "headers": JSON},
        422,
        detail("string_type", ["body", "name"], "Input should be a valid string"),
        default_handler_fails=True,
    ),
    Post(
        "huge-exponent",
        {"content": '{"id": 1e400, "name": "Saw"}', "headers": JSON},
        422,
        detail("finite_number", ["body", "id"], "Input should be a finite number"),
        default_handler_fails=True,
    ),
    Post(
        "half-an-emoji",
        {"content": '{"id": 5, "name": "\\ud83d"}', "headers": JSON},
        422,
        detail(
            "string_unicode",
            ["body", "name"],
            "Input should be a valid string, unable to parse raw data as a unicode string",
        ),
        default_handler_fails=True,
    ),
    Post(
        "half-an-emoji-description",
        {"content": '{"id": 5, "name": "Saw", "description": "x\\udfff"}', "headers": JSON},
        422,
        detail(
            "string_unicode",
            ["body", "description"],
            "Input should be a valid string, unable to parse raw data as a unicode string",
        ),
        default_handler_fails=True,
    ),
    Post(
        "no-content-type",
        {"content": '{"id": 5, "name": "Saw"}'},
        422,
        detail(
            "model_attributes_type",
            ["body"],
            "Input should be a valid dictionary or object to extract fields from",
        ),
    ),
    Post("not-utf8", {"content": b'{"id": 5, "name": "\xff"}', "headers": JSON}, 400, UNREADABLE),
    Post(
        "5000-digit-id",
        {"content": '{"id": %s, "name": "Saw"}' % ("9" * 5000), "headers": JSON},
        400,
        UNREADABLE,
    ),
    Post(
        "deeply-nested",
        {"content": "[" * 100_000 + "]" * 100_000, "headers": JSON},
        400,
        UNREADABLE,
    ),
]
"""Every POST the page describes. Run in this order on one server, the items
created earlier (3 and 4) do not collide with later cases."""


def check_post(client: Any, post: Post, before: list[dict[str, Any]], context: str) -> list:
    """POST, compare status, content type and JSON exactly, then check that
    GET /items/ lists the new item after the old ones (or, for a refused
    request, exactly what it listed before), and that GET /items/{id} finds
    a created item. Returns the list as it now is."""
    where = f"{context}: POST /items/ ({post.name})"
    response = client.post("/items/", **post.request)
    problems = []
    if response.status_code != post.status:
        problems.append(f"status {response.status_code}, page says {post.status}")
    if response.headers.get("content-type") != "application/json":
        problems.append(f"content type {response.headers.get('content-type')!r}")
    else:
        got = response.json()
        if got != post.json:
            problems.append(f"JSON {got!r}, page says {post.json!r}")
    assert not problems, f"{where}: " + "; ".join(problems) + f": {response.text[:300]!r}"
    after = [*before, post.json] if post.created else before
    listed = client.get("/items/")
    assert (listed.status_code, listed.json()) == (200, after), (
        f"{where}: then GET /items/ gave {listed.status_code} {listed.text[:300]!r}, "
        f"expected {after!r}"
    )
    if post.created:
        one = client.get(f"/items/{post.json['id']}")
        assert (one.status_code, one.json()) == (200, post.json), (
            f"{where}: then GET /items/{post.json['id']} gave {one.status_code} {one.text!r}"
        )
    return after


@contextlib.contextmanager
def fresh_client() -> Iterator[Any]:
    """Starlette's TestClient around a freshly imported main.py (client_for
    imports the snippet anew, so its in-memory list starts with the two items)."""
    with client_for(W, SERVE) as wrapper:
        yield wrapper.client


# --------------------------------------------------------------------------
# In-process
# --------------------------------------------------------------------------


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.name)
def test_post_in_process(post: Post) -> None:
    """Each POST the page describes gets exactly the answer shown, and the
    list changes only when an item is created."""
    with fresh_client() as client:
        check_post(client, post, START, CONTEXT + " [in-process]")


def test_each_import_starts_from_the_two_items() -> None:
    """State does not leak: an item created through one import of main.py is
    not seen by the next, while the first still has it."""
    with fresh_client() as first:
        check_post(first, POSTS[0], START, CONTEXT + " [in-process, first import]")
        with fresh_client() as second:
            listed = second.get("/items/").json()
            assert listed == START, f"{CONTEXT}: a fresh import lists {listed!r}"
            assert second.get("/items/3").status_code == 404
        assert first.get("/items/3").json() == POSTS[0].json


def _with_default_handler() -> Any:
    """A fresh main.py app with FastAPI's own validation handler put back."""
    from fastapi.exception_handlers import request_validation_exception_handler
    from fastapi.exceptions import RequestValidationError
    from starlette.testclient import TestClient

    app = app_of(W, SERVE)
    app.exception_handlers[RequestValidationError] = request_validation_exception_handler
    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("post", [p for p in POSTS if p.status == 422], ids=lambda p: p.name)
def test_handler_is_fastapis_answer_without_input(post: Post) -> None:
    """The page's handler sends what FastAPI's default handler sends, minus
    each error's `input`; where the default handler cannot write that input
    as JSON (NaN, Infinity, half an emoji), it answers 500 instead."""
    default = _with_default_handler().post("/items/", **post.request)
    if post.default_handler_fails:
        assert default.status_code == 500, (
            f"{CONTEXT}: FastAPI's default handler no longer fails on {post.name} "
            f"({default.status_code} {default.text[:200]!r}); the page's reason for the "
            f"handler is out of date"
        )
        return
    where = f"{CONTEXT}: FastAPI's default answer to {post.name}"
    assert default.status_code == 422, f"{where} is {default.status_code} {default.text[:300]!r}"
    stripped = [
        {k: v for k, v in error.items() if k != "input"} for error in default.json()["detail"]
    ]
    assert {"detail": stripped} == post.json, f"{where} is {default.text[:300]!r}"


def test_half_an_emoji_is_refused_only_because_of_the_length_limit() -> None:
    """Why the page's `max_length` matters: plain `str` accepts an unpaired
    surrogate, the limited field refuses it, and once such text is stored
    (as the article's model allows) every GET /items/ fails with a 500."""
    from pydantic import TypeAdapter, ValidationError
    from starlette.testclient import TestClient

    module = import_snippet(W.snippet(SERVE))
    assert TypeAdapter(str).validate_python("\ud83d") == "\ud83d"
    with pytest.raises(ValidationError, match="string_unicode"):
        module.Item(id=5, name="\ud83d")
    module.items_db.append(module.Item.model_construct(id=5, name="\ud83d", description=None))
    listed = TestClient(module.app, raise_server_exceptions=False).get("/items/")
    assert listed.status_code == 500, f"{CONTEXT}: {listed.status_code} {listed.text[:200]!r}"


def test_openapi_describes_the_three_operations() -> None:
    """/openapi.json, which /docs draws, lists GET and POST /items/ and GET
    /items/{item_id}, with the 201 of POST and the limits of the Item model."""
    with fresh_client() as client:
        spec = client.get("/openapi.json").json()
    operations = {path: sorted(ops) for path, ops in spec["paths"].items()}
    assert operations == {"/items/": ["get", "post"], "/items/{item_id}": ["get"]}, (
        f"{CONTEXT}: /openapi.json lists {operations}"
    )
    post = spec["paths"]["/items/"]["post"]
    assert sorted(post["responses"]) == ["201", "422"], f"{CONTEXT}: {post['responses']}"
    item = spec["components"]["schemas"]["Item"]
    assert item["required"] == ["id", "name"], f"{CONTEXT}: {item}"
    assert item["properties"]["name"].get("maxLength") == 100, f"{CONTEXT}: {item}"


class _Assets(HTMLParser):
    """The scripts and stylesheets an HTML page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("rel") == "stylesheet":
            self.urls.append(found.get("href") or "")


def test_json_on_the_page_is_a_tested_answer() -> None:
    """Each JSON block typed on the page is exactly one of the answers these
    tests check, so the page cannot drift from what the code does."""
    page = (ROOT / W.page_file).read_text()
    blocks = re.findall(r"^```json[^\n]*\n(.*?)^```", page, re.MULTILINE | re.DOTALL)
    tested = [p.json for p in POSTS] + [v.json for v in SERVE.visits if v.json is not None]
    assert blocks, f"{W.page_file} has no JSON blocks"
    for block in blocks:
        assert json.loads(block) in tested, (
            f"{W.page_file}: this JSON block is not an answer the tests check:\n{block}"
        )


def test_docs_page_loads_swagger_ui_from_a_cdn() -> None:
    """/docs is a small HTML page whose JavaScript and CSS all come from
    cdn.jsdelivr.net: without internet access it stays blank."""
    with fresh_client() as client:
        page = client.get("/docs")
    parser = _Assets()
    parser.feed(page.text)
    hosts = {urlsplit(url).netloc for url in parser.urls}
    assert len(parser.urls) == 2 and hosts == {"cdn.jsdelivr.net"}, (
        f"{CONTEXT}: /docs ({page.status_code}) loads {parser.urls}: {page.text[:200]!r}"
    )


# --------------------------------------------------------------------------
# As the reader runs it: `fastapi dev` and `fastapi run` on the page's port
# --------------------------------------------------------------------------


def test_standard_extras_bring_the_command_and_uvicorns_speedups() -> None:
    """What the page says `pip install "fastapi[standard]"` adds: the `fastapi`
    command (fastapi-cli), Uvicorn with its own standard extras, and through
    them WatchFiles (the reloader's file watcher) and httptools (its HTTP
    parser); each is installed."""
    from importlib.metadata import requires, version

    from packaging.requirements import Requirement

    def extra(dist: str, name: str) -> dict[str, Requirement]:
        found = [Requirement(r) for r in requires(dist) or []]
        chosen = [r for r in found if r.marker and r.marker.evaluate({"extra": name})]
        return {r.name: r for r in chosen}

    fastapi = extra("fastapi", "standard")
    uvicorn = extra("uvicorn", "standard")
    assert "fastapi-cli" in fastapi and "standard" in fastapi["uvicorn"].extras, fastapi
    assert {"watchfiles", "httptools"} <= set(uvicorn), uvicorn
    for dist in ("fastapi-cli", "uvicorn", "watchfiles", "httptools"):
        assert version(dist), f"{W.page_file}: {dist} is not installed"


SERVERS = [f"{W.id}.{s.id}" for s in W.servers]


@pytest.mark.server
@pytest.mark.parametrize("ref", SERVERS)
def test_posts_over_real_http(ref: str, live: LiveServers) -> None:
    """The same POSTs, one after another, against each of the page's servers
    (a server of its own: the POSTs add items)."""
    with live.fresh(ref) as (_, server):
        items = START
        with loopback_client(server.base_url) as client:
            for post in POSTS:
                items = check_post(client, post, items, CONTEXT + " [as the reader runs it]")


def group(pgid: int) -> dict[int, str]:
    """The live (not zombie) processes of a process group: pid to command line."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            stat = (proc / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
                found[int(proc.name)] = cmd
    return found


def running_in(folder: Path) -> dict[int, str]:
    """Live processes whose working directory is inside `folder`, whatever
    their process group: pid to command line."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if Path(os.readlink(proc / "cwd")).is_relative_to(folder):
                found[int(proc.name)] = (
                    (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
    return found


def wait_for_output(server: Server, text: str, times: int, why: str) -> None:
    """Poll until the server has printed `text` `times` times; fail with `why`
    and everything it printed."""
    if not server.printed(text, times, timeout=15):
        raise AssertionError(f"{CONTEXT}: {why} within 15s:\n{server.output}")


@pytest.mark.server
@pytest.mark.parametrize("ref", SERVERS)
def test_dev_reloads_and_run_is_one_process_and_both_stop_cleanly(ref: str, live: LiveServers) -> None:
    """`fastapi dev` starts a reloader (watching with WatchFiles) and a
    separate worker; saving main.py starts a new worker, whose list is back to
    the two items. `fastapi run` is a single process with no reloader. Stopping
    either (Ctrl+C to the whole process group) leaves no process behind, in
    its group or anywhere in the folder."""

    step = W.step(ref.rpartition(".")[2])
    context = where(W, step) + " [as the reader runs it]"
    with live.fresh(ref) as (r, server):
        pgid = server.proc.pid
        members = group(pgid)
        workers = [pid for pid in members if pid != pgid and "spawn_main" in members[pid]]
        assert step.serve and step.serve.line in members[pgid], f"{context}: the group is {members}"
        if step.id == "run":
            assert not workers and "reloader" not in server.output, (
                f"{context}: expected one process and no reloader, found {members}:\n{server.output}"
            )
        else:
            assert len(workers) == 1 and "Started reloader process" in server.output, (
                f"{context}: expected a reloader and one worker, found {members}"
            )
            assert "using WatchFiles" in server.output, f"{context}: {server.output}"
            with loopback_client(server.base_url) as client:
                created = client.post("/items/", json={"id": 3, "name": "Saw"})
            assert created.status_code == 201, f"{context}: {created.status_code} {created.text}"
            main = r.cwd / "main.py"
            later = main.stat().st_mtime + 5
            os.utime(main, (later, later))
            wait_for_output(
                server, "Application startup complete.", 2, "saving main.py did not restart the worker"
            )
            assert "WatchFiles detected changes in 'main.py'. Reloading..." in server.output
            after = group(pgid)
            new_workers = [pid for pid in after if pid != pgid and "spawn_main" in after[pid]]
            assert len(new_workers) == 1 and new_workers != workers, (
                f"{context}: after the reload the group is {after}"
            )
            listed = http_get(server.base_url + "/items/")
            assert (listed.status, listed.json()) == (200, START), (
                f"{context}: after the reload, /items/ lists {listed.text[:300]!r}"
            )
    left = group(pgid) | running_in(r.home)
    assert not left, f"{context}: still running after the server was stopped: {left}"
    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)


@pytest.mark.server
def test_run_without_host_listens_on_every_interface(tmp_path: Path) -> None:
    """Why the page passes `--host 127.0.0.1`: the page's `fastapi run`
    command without it listens on 0.0.0.0 and says so."""
    run = W.step("run")
    assert run.serve and run.port
    line = run.serve.line
    assert line.endswith(" --host 127.0.0.1"), f"{W.page_file}: {line}"
    shutil.copyfile(W.snippet(run), tmp_path / "main.py")
    bare = Command(line.removesuffix(" --host 127.0.0.1"), output=(f"Uvicorn running on http://0.0.0.0:{run.port}",))
    with Server(bare, run.port, tmp_path, where(W, run) + " [without --host]"):
        listening = listening_addresses(run.port)
    assert listening == {"0.0.0.0"}, f"{W.page_file}: `{bare.line}` listens on {listening}"
