"""The Compare page's contract, checked against every implementation.

`docs/compare.md` states one Items API and shows it in seven frameworks. The
implementations are found in `snippets/compare/walkthroughs.yml` (one
walkthrough per framework), so an eighth framework is its file, its YAML
entry and page, its cells in `guide/compare.yml` and its bare app. Every check here runs twice: in-process through the framework's own
test client, and over real HTTP against each server the page starts (the
development command and the production server). On top of the contract:
each server's own answers to raw requests; many clients writing at once over
real HTTP; generated bodies and paths (hypothesis) in-process; Schemathesis
with the schema FastAPI's version publishes, in-process and over HTTP; and
each cell of "Who handled the bad input" tried on the framework alone
(`tests/bare/`). The contract's error texts, the server answers and that
table are data (`guide/compare.yml`) the pages render.

Each check leaves the store as it found it (Hammer and Nails), so the checks
can share one server, or one in-process app, in any order; Schemathesis,
which does not, runs last on its server, and in-process on an app of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guide import compare, django_project, registry
from guide.checks import where
from guide.clients import (
    CLIENTS,
    Client,
    DjangoClient,
    HTTPClient,
    Response,
    app_of,
    import_snippet,
    open_client,
)
from guide.imports import import_file
from guide.live import LiveServers
from guide.pages import markers
from guide.paths import DOCS, ROOT, SNIPPETS
from guide.render import features, render
from guide.walkthroughs import Step, Walkthrough, walkthroughs

IMPLEMENTATIONS = walkthroughs("compare")
SEED = [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}]
MAX_ID = 2**31 - 1
MAX_ITEMS = 100
MAX_BODY = 1024
JSON = {"Content-Type": "application/json"}
ALLOWED = {"/items": {"GET", "POST"}, "/items/1": {"GET", "DELETE"}}
"""The methods each kind of path answers; any other gets 405 naming these."""


def impl_params() -> list:
    return [pytest.param(w, id=w.name) for w in IMPLEMENTATIONS]


# --------------------------------------------------------------------------
# Clients and how a failure reads
# --------------------------------------------------------------------------


class Checked:
    """A client whose every answer is held to the contract's general rules,
    with failures that name the page, the snippet and the request."""

    def __init__(self, client: Client, context: str, in_process: bool = True) -> None:
        self.client, self.context, self.in_process = client, context, in_process

    def call(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        r = self.client.request(method, path, body, headers)
        where = f"{self.context}: {method} {path[:80]}" + (f" {body[:80]!r}" if body else "")
        r.where = where  # type: ignore[attr-defined]
        if r.status >= 500 and r.status != 507:
            raise AssertionError(
                f"{where}: status {r.status}; the contract allows no 5xx but 507: {r.text[:300]!r}"
            )
        if r.status == 204:
            if r.text or "content-type" in r.headers:
                raise AssertionError(
                    f"{where}: 204 with a body {r.text[:200]!r} and Content-Type "
                    f"{r.headers.get('content-type')!r}; it has neither"
                )
            return r
        if r.content_type.split(";")[0].strip().lower() != "application/json":
            raise AssertionError(
                f"{where}: content type {r.content_type!r}, contract says application/json: {r.text[:200]!r}"
            )
        try:
            data = r.json()
        except ValueError:
            raise AssertionError(f"{where}: the body is not JSON: {r.text[:200]!r}") from None
        if r.status >= 400 and not (
            isinstance(data, dict) and set(data) == {"error"} and isinstance(data["error"], str) and data["error"]
        ):
            raise AssertionError(f'{where}: error body {data!r}, contract says {{"error": "<words>"}}')
        if r.status >= 400 and data["error"] not in error_texts(r.status, path, body):
            raise AssertionError(
                f"{where}: {r.status} says {data['error'][:200]!r}; the contract's {r.status} says "
                f"{sorted(error_texts(r.status, path, body))}"
            )
        return r

    def get(self, path: str) -> Response:
        return self.call("GET", path)

    def post(self, body: bytes | dict, headers: dict | None = JSON) -> Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.call("POST", "/items", raw, headers)

    def delete(self, item_id: int | str) -> Response:
        return self.call("DELETE", f"/items/{item_id}")


def error_texts(status: int, path: str, body: bytes | None) -> set[str]:
    """What the contract's errors of this status say to this request: `{id}`
    is the rest of the path after /items/, or the body's id."""
    ids: set[object] = set()
    if path.startswith("/items/"):
        segment = unquote(path.split("?")[0].removeprefix("/items/"))
        ids.add(segment)
        if segment.isascii() and segment.strip().lstrip("+-").isdigit() and len(segment) < 4000:
            ids.add(int(segment))  # as the app read it: /items/007 is item 7
    with contextlib.suppress(ValueError, TypeError, KeyError, RecursionError):
        ids.add(json.loads(body or b"")["id"])
    return {e.says(i) for e in compare.errors().values() if e.status == status for i in ids or {None}}


def says(r: Response, key: str, item_id: object = None) -> None:
    """The answer is the contract's error `key`, in its words."""
    e = compare.error(key)
    expect(r, e.status, {"error": e.says(item_id)})


def expect(r: Response, status: int | set[int], json_body: object = None) -> None:
    """The status (or one of the statuses) and the JSON body, if given, that
    the contract says."""
    problems = []
    if r.status not in (status if isinstance(status, set) else {status}):
        problems.append(f"status {r.status}, contract says {status}")
    if json_body is not None and r.status != 204 and r.json() != json_body:
        problems.append(f"JSON {r.json()!r}, contract says {json_body!r}")
    if problems:
        raise AssertionError(f"{r.where}: " + "; ".join(problems) + f": {r.text[:200]!r}")  # type: ignore[attr-defined]


_IN_PROCESS: dict[str, Checked] = {}


def in_process(w: Walkthrough) -> Checked:
    """One in-process client per implementation and test worker: importing a
    snippet that configures its framework globally (Django) twice is not what
    a reader does, and every check restores the store it found."""
    if w.id not in _IN_PROCESS:
        step = w.servers[0]
        _IN_PROCESS[w.id] = Checked(open_client(w, step), where(w, step) + " [in-process]")
    return _IN_PROCESS[w.id]


@pytest.fixture(scope="module", autouse=True)
def _close_in_process() -> Iterator[None]:
    yield
    for checked in _IN_PROCESS.values():
        if hasattr(checked.client, "close"):
            checked.client.close()
    _IN_PROCESS.clear()


@contextlib.contextmanager
def created(c: Checked, *items: dict) -> Iterator[None]:
    """Create items for a check and delete them afterwards, pass or fail."""
    made = []
    try:
        for item in items:
            expect(c.post(item), 201, item)
            made.append(item["id"])
        yield
    finally:
        for item_id in made:
            c.client.request("DELETE", f"/items/{item_id}")


# --------------------------------------------------------------------------
# The contract: each check takes a client and leaves the store as it was
# --------------------------------------------------------------------------


def check_reads(c: Checked) -> None:
    """GET /items lists the seed sorted by id; GET /items/{id} gives one."""
    expect(c.get("/items"), 200, SEED)
    expect(c.get("/items/1"), 200, SEED[0])
    expect(c.get("/items/2"), 200, SEED[1])


def check_missing_and_malformed_ids(c: Checked) -> None:
    """Unknown and non-integer ids, and unknown paths, are a JSON 404.

    5000 digits is past Python's limit for int(); over HTTP the id has 4000,
    since gunicorn answers a request line over 4094 bytes itself (414, HTML)."""
    says(c.get("/items/999"), "not-found", 999)
    says(c.delete(999), "not-found", 999)
    huge = "9" * (5000 if c.in_process else 4000)
    for segment in ["999", "0", str(MAX_ID), str(MAX_ID + 1), "abc", "-1", "1.5", huge, "9" * 3000, quote("Zoë-東京-😀"), quote("<script>alert(1)</script>")]:
        expect(c.get(f"/items/{segment}"), 404)
        expect(c.delete(segment), 404)
    for path in ["/", "/nope", "/items/1/name", "/item", "/ITEMS/1"]:
        expect(c.get(path), 404)


def check_wrong_methods(c: Checked) -> None:
    """A known path with a method it does not take: 405 and an Allow header
    naming the methods it does take."""
    for method, path in [("PUT", "/items"), ("DELETE", "/items"), ("PATCH", "/items"),
                         ("POST", "/items/1"), ("PUT", "/items/1"), ("PATCH", "/items/1")]:
        r = c.call(method, path, b"{}", JSON)
        expect(r, 405)
        kind = "/items" if path == "/items" else "/items/1"
        allow = {m.strip().upper() for m in r.headers.get("allow", "").split(",") if m.strip()}
        assert ALLOWED[kind] <= allow and method not in allow, (
            f"{r.where}: Allow is {r.headers.get('allow')!r}; it must name {sorted(ALLOWED[kind])} "  # type: ignore[attr-defined]
            f"and not {method}"
        )


def check_create_read_delete(c: Checked) -> None:
    """POST answers 201 with the item and its Location; it reads back and is
    listed in order; DELETE answers 204 with no body, then it is gone."""
    item = {"id": 7, "name": "Saw"}
    r = c.post(item)
    try:
        expect(r, 201, item)
        location = r.headers.get("location", "")
        assert urlsplit(location).path == "/items/7", (  # relative, or absolute on this host
            f"{r.where}: Location {location!r}, contract says '/items/7'"  # type: ignore[attr-defined]
        )
        expect(c.get("/items/7"), 200, item)
        expect(c.get("/items"), 200, [*SEED, item])
        expect(c.post({"id": 7, "name": "Another saw"}), 409)
        expect(c.get("/items/7"), 200, item)
    finally:
        expect(c.delete(7), 204)
    expect(c.get("/items/7"), 404)
    expect(c.delete(7), 404)
    expect(c.get("/items"), 200, SEED)


def check_sorted_by_id(c: Checked) -> None:
    """The list is sorted by id, not by the order items were created."""
    with created(c, {"id": 40, "name": "b"}, {"id": 30, "name": "a"}, {"id": MAX_ID, "name": "z"}):
        expect(c.get("/items"), 200, [*SEED, {"id": 30, "name": "a"}, {"id": 40, "name": "b"},
                                      {"id": MAX_ID, "name": "z"}])


NAMES = ["Zoë", "東京", "😀 emoji", "<script>alert(1)</script>", "a" * 100, "x", " spaced ",
         'quote " and \\ backslash', "line\nbreak", "\u0000nul", "é" * 100, "&amp;"]
"""Names stored and returned exactly as sent: non-ASCII, HTML, the limits."""


def check_names_returned_exactly(c: Checked) -> None:
    """Non-ASCII and HTML in names come back exactly as sent, as JSON."""
    for i, name in enumerate(NAMES, start=100):
        item = {"id": i, "name": name}
        with created(c, item):
            expect(c.get(f"/items/{i}"), 200, item)
    raw = b'{"id": 120, "name": "caf\\u00e9 \\ud83d\\ude00"}'  # escaped in the JSON text
    expect(c.post(raw), 201, {"id": 120, "name": "café 😀"})
    expect(c.delete(120), 204)


ITEM = {"id": 8, "name": "Zoë"}
CHARSETS: list[tuple[str, bytes, str, set[int]]] = [
    ("charset=utf-8", json.dumps(ITEM).encode(), "application/json; charset=utf-8", {201}),
    ("upper case", json.dumps(ITEM).encode(), "APPLICATION/JSON; CHARSET=UTF-8", {201}),
    ("no space", json.dumps(ITEM).encode(), "application/json;charset=utf-8", {201}),
    ("UTF-8 sent as latin-1", json.dumps(ITEM, ensure_ascii=False).encode(), "application/json; charset=latin-1", {201}),
    ("UTF-8 sent as UTF-16", json.dumps(ITEM, ensure_ascii=False).encode(), "application/json; charset=utf-16", {201}),
    ("an unknown charset", json.dumps(ITEM, ensure_ascii=False).encode(), "application/json; charset=klingon", {201}),
    ("latin-1 bytes", json.dumps(ITEM, ensure_ascii=False).encode("latin-1"), "application/json; charset=latin-1", {422}),
    # JSON parsers recognise these by their first bytes; the contract leaves them open.
    ("UTF-16", json.dumps(ITEM, ensure_ascii=False).encode("utf-16"), "application/json; charset=utf-16", {201, 422}),
    ("a byte-order mark", json.dumps(ITEM, ensure_ascii=False).encode("utf-8-sig"), "application/json", {201, 422}),
]
"""`application/json` bodies whose charset parameter says one thing and
whose bytes say another: the body is read as UTF-8, whatever the parameter."""


def check_json_charsets(c: Checked) -> None:
    """A charset on `application/json` changes nothing: UTF-8 is read as
    UTF-8 (the name comes back exactly), anything else is not valid JSON."""
    for what, body, content_type, statuses in CHARSETS:
        r = c.post(body, {"Content-Type": content_type})
        try:
            expect(r, statuses)
            if r.status == 201:
                expect(r, 201, ITEM)
                expect(c.delete(ITEM["id"]), 204)
            else:
                says(r, "bad-json")
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from None
    expect(c.get("/items"), 200, SEED)


MULTIPART = (
    b'--x\r\nContent-Disposition: form-data; name="id"\r\n\r\n9\r\n'
    b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nSaw\r\n--x--\r\n'
)
OTHER_TYPES: list[tuple[str, bytes, str]] = [
    ("multipart/form-data", MULTIPART, "multipart/form-data; boundary=x"),
    ("multipart/form-data without a boundary", MULTIPART, "multipart/form-data"),
    ("malformed multipart/form-data", b"--x\r\nno headers, no end", "multipart/form-data; boundary=x"),
    ("a form", b"id=9&name=Saw", "application/x-www-form-urlencoded"),
    ("a malformed form", b"%%%=&&=%zz", "application/x-www-form-urlencoded"),
    ("text/plain", json.dumps(ITEM).encode(), "text/plain"),
    ("text/plain in UTF-16", json.dumps(ITEM).encode("utf-16"), "text/plain; charset=utf-16"),
    ("XML", b"<item><id>9</id></item>", "application/xml"),
    ("a JSON suffix", json.dumps(ITEM).encode(), "application/problem+json"),
    ("a longer name", json.dumps(ITEM).encode(), "application/jsonx"),
    ("JSON as a parameter", json.dumps(ITEM).encode(), "text/plain; type=application/json"),
    ("no subtype", json.dumps(ITEM).encode(), "json"),
    ("an empty Content-Type", json.dumps(ITEM).encode(), ""),
]
"""Bodies that are not `application/json`, well-formed and not."""


IGNORED = {"multipart/form-data without a boundary", "malformed multipart/form-data", "a malformed form", "XML"}
"""The bodies also sent with every other method: those a framework would
choke on if it read them."""


def check_other_content_types(c: Checked) -> None:
    """POST refuses a body of any other type with 415; every other request
    ignores its body, whatever its type and however malformed, and answers
    as it would without one."""
    for what, body, content_type in OTHER_TYPES:
        h = {"Content-Type": content_type}
        try:
            says(c.post(body, h), "not-json-type")
            if what not in IGNORED:
                continue
            expect(c.call("GET", "/items", body, h), 200, SEED)
            expect(c.call("GET", "/items/1", body, h), 200, SEED[0])
            says(c.call("DELETE", "/items/999", body, h), "not-found", 999)
            with created(c, {"id": 10, "name": "Saw"}):
                expect(c.call("DELETE", "/items/10", body, h), 204)
            says(c.call("PUT", "/items", body, h), "method")
            says(c.call("PATCH", "/items/1", body, h), "method")
            says(c.call("GET", "/nope", body, h), "no-path")
        except AssertionError as error:
            raise AssertionError(f"{what} ({content_type!r}): {error}") from None
    expect(c.get("/items"), 200, SEED)


def _too_long() -> bytes:
    body = json.dumps({"id": 9, "name": "x" * MAX_BODY}).encode()
    assert len(body) > MAX_BODY
    return body


BAD_BODIES: list[tuple[str, bytes, dict | None, str | set[str]]] = [
    ("no content type", b'{"id": 9, "name": "x"}', {}, "not-json-type"),
    ("text/plain", b'{"id": 9, "name": "x"}', {"Content-Type": "text/plain"}, "not-json-type"),
    ("a form", b"id=9&name=x", {"Content-Type": "application/x-www-form-urlencoded"}, "not-json-type"),
    ("over the size limit", _too_long(), JSON, "too-long"),
    ("malformed JSON", b'{"id": 9, "name": "x"', JSON, "bad-json"),
    ("an empty body", b"", JSON, "bad-json"),
    ("not UTF-8", b'{"id": 9, "name": "\xff"}', JSON, "bad-json"),
    ("a list", b'[{"id": 9, "name": "x"}]', JSON, "not-object"),
    ("a string", b'"Hammer"', JSON, "not-object"),
    ("null", b"null", JSON, "not-object"),
    ("a number", b"9", JSON, "not-object"),
    ("a missing name", b'{"id": 9}', JSON, "missing-field"),
    ("a missing id", b'{"name": "x"}', JSON, "missing-field"),
    ("an empty object", b"{}", JSON, "missing-field"),
    ("an extra field", b'{"id": 9, "name": "x", "price": 3}', JSON, "extra-field"),
    ("a boolean id", b'{"id": true, "name": "x"}', JSON, "bad-id"),
    ("a string id", b'{"id": "9", "name": "x"}', JSON, "bad-id"),
    ("a fractional id", b'{"id": 9.5, "name": "x"}', JSON, "bad-id"),
    ("a float id", b'{"id": 9.0, "name": "x"}', JSON, "bad-id"),
    ("a null id", b'{"id": null, "name": "x"}', JSON, "bad-id"),
    ("id 0", b'{"id": 0, "name": "x"}', JSON, "bad-id"),
    ("a negative id", b'{"id": -9, "name": "x"}', JSON, "bad-id"),
    ("an id over 2147483647", b'{"id": 2147483648, "name": "x"}', JSON, "bad-id"),
    ("an id of 900 digits", b'{"id": ' + b"9" * 900 + b', "name": "x"}', JSON, "bad-id"),
    # NaN is not JSON, but Python's json module reads it as a float.
    ("an id of NaN", b'{"id": NaN, "name": "x"}', JSON, {"bad-json", "bad-id"}),
    ("an empty name", b'{"id": 9, "name": ""}', JSON, "bad-name"),
    ("a name of 101 characters", json.dumps({"id": 9, "name": "é" * 101}).encode(), JSON, "bad-name"),
    ("a numeric name", b'{"id": 9, "name": 9}', JSON, "bad-name"),
    ("a null name", b'{"id": 9, "name": null}', JSON, "bad-name"),
    ("a list as name", b'{"id": 9, "name": ["x"]}', JSON, "bad-name"),
    ("a duplicate id", b'{"id": 1, "name": "Another hammer"}', JSON, "duplicate"),
]
"""Each with one fault, and the error of the contract it gets (or one of those)."""


def check_bad_bodies(c: Checked) -> None:
    """Every bad body gets its status and its error, in the contract's words;
    nothing is stored."""
    for what, body, headers, keys in BAD_BODIES:
        expected = [compare.error(k) for k in ({keys} if isinstance(keys, str) else keys)]
        r = c.post(body, headers)
        item_id = json.loads(body)["id"] if keys == "duplicate" else None
        try:
            expect(r, {e.status for e in expected})
            said = r.json()["error"]
            assert said in {e.says(item_id) for e in expected}, (
                f"{r.where}: says {said!r}, the contract says {[e.says(item_id) for e in expected]}"  # type: ignore[attr-defined]
            )
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from None
    expect(c.get("/items"), 200, SEED)


def check_store_is_bounded(c: Checked) -> None:
    """The store holds 100 items; the 101st gets 507, and once one is deleted
    there is room again."""
    extra = [{"id": 1000 + i, "name": f"item {i}"} for i in range(MAX_ITEMS - len(SEED))]
    with created(c, *extra):
        expect(c.post({"id": 5000, "name": "one too many"}), 507)
        expect(c.get("/items/5000"), 404)
        expect(c.delete(1000), 204)
        expect(c.post({"id": 1000, "name": "item 0"}), 201)
        expect(c.post({"id": 5000, "name": "one too many"}), 507)
    expect(c.get("/items"), 200, SEED)


CHECKS: list[Callable[[Checked], None]] = [
    check_reads,
    check_missing_and_malformed_ids,
    check_wrong_methods,
    check_create_read_delete,
    check_sorted_by_id,
    check_names_returned_exactly,
    check_json_charsets,
    check_other_content_types,
    check_bad_bodies,
    check_store_is_bounded,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__.removeprefix("check_"))
@pytest.mark.parametrize("w", impl_params())
def test_contract_in_process(w: Walkthrough, check: Callable[[Checked], None]) -> None:
    """Each rule of the contract, through the framework's own test client."""
    check(in_process(w))


# --------------------------------------------------------------------------
# Many clients at once, over real HTTP
# --------------------------------------------------------------------------

WRITERS = 20


def at_once(base_url: str, jobs: list[tuple[str, str, bytes | None]]) -> list[Response]:
    """Send each (method, path, body) from its own thread and connection, all
    released together."""
    start = threading.Barrier(len(jobs))
    results: list[Response | BaseException] = [RuntimeError("not run")] * len(jobs)

    def work(i: int, method: str, path: str, body: bytes | None) -> None:
        client = HTTPClient(base_url)
        try:
            start.wait(10)
            results[i] = client.request(method, path, body, JSON if body else None)
        except Exception as error:  # reported below
            results[i] = error
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results  # type: ignore[return-value]


def check_concurrent_writes(c: Checked, base_url: str) -> None:
    """20 clients creating distinct items at once: all created, none lost,
    none twice. Then 20 clients creating the same id at once: exactly one
    wins, the rest get 409, and the stored item is the winner's."""
    items = [{"id": 300 + i, "name": f"writer {i}"} for i in range(WRITERS)]
    try:
        answers = at_once(base_url, [("POST", "/items", json.dumps(i).encode()) for i in items])
        statuses = sorted(r.status for r in answers)
        assert statuses == [201] * WRITERS, f"{c.context}: {WRITERS} distinct POSTs at once got {statuses}"
        expect(c.get("/items"), 200, SEED + items)
    finally:
        for item in items:
            c.client.request("DELETE", f"/items/{item['id']}")
    rivals = [{"id": 400, "name": f"rival {i}"} for i in range(WRITERS)]
    try:
        answers = at_once(base_url, [("POST", "/items", json.dumps(i).encode()) for i in rivals])
        winners = [r.json() for r in answers if r.status == 201]
        others = sorted(r.status for r in answers if r.status != 201)
        assert len(winners) == 1 and others == [409] * (WRITERS - 1), (
            f"{c.context}: {WRITERS} POSTs of id 400 at once: {len(winners)} got 201 "
            f"({winners}), the others {others}; exactly one may win (a lost write otherwise)"
        )
        expect(c.get("/items/400"), 200, winners[0])
    finally:
        c.client.request("DELETE", "/items/400")
    deletes = at_once(base_url, [("DELETE", "/items/1", None)] * 5)
    gone = sorted(r.status for r in deletes)
    c.client.request("POST", "/items", json.dumps(SEED[0]).encode(), JSON)
    assert gone == [204] + [404] * 4, f"{c.context}: 5 DELETEs of item 1 at once got {gone}; one 204, four 404"
    expect(c.get("/items"), 200, SEED)


def test_the_server_table_covers_every_server() -> None:
    """Each serve step of the Compare walkthroughs runs exactly one server of
    the table, which states its answer to every raw request, and says
    `app` only where the request has an answer of the app's."""
    steps = sorted(f"{w.id}.{s.id}" for w in IMPLEMENTATIONS for s in w.servers)
    listed = sorted(ref for server in compare.servers().values() for ref in server.runs)
    assert listed == steps, f"{compare.DATA.name}: the servers run {listed}; the walkthroughs serve {steps}"
    for server in compare.servers().values():
        assert set(server.answers) == set(compare.raw_requests()), f"{server.key}: answers {sorted(server.answers)}"
        for key, answer in server.answers.items():
            assert not answer.app or compare.raw_requests()[key].app, f"{server.key} passes {key} on, which has no `app`"


def send_raw(port: int, data: bytes) -> tuple[int | None, str, bytes]:
    """Send bytes over a raw socket; the answer's status (None when it has
    no status line), content type and body."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        while chunk := sock.recv(65536):
            received += chunk
    if not received.startswith(b"HTTP/"):
        return None, "", received
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":
        chunks, rest = [], body
        while (size := int(rest.split(b"\r\n", 1)[0], 16)) > 0:
            rest = rest.split(b"\r\n", 1)[1]
            chunks.append(rest[:size])
            rest = rest[size + 2 :]
        body = b"".join(chunks)
    return int(lines[0].split()[1]), headers.get("content-type", ""), body


def body_kind(content_type: str, body: bytes) -> str:
    """`html`, `text` or `empty`, as the table of server answers says it."""
    if not body:
        return "empty"
    html = body.lstrip()[:14].lower().startswith((b"<!doctype html", b"<html"))
    return "html" if html and content_type.split(";")[0] in ("", "text/html") else "text"


def check_server_answers(w: Walkthrough, step_id: str, port: int) -> None:
    """Each raw request gets the answer the table of server answers states
    for the server this step runs: its own (status and kind of
    body), or the app's, which is held to the contract."""
    server = compare.server_of(f"{w.id}.{step_id}")
    problems = []
    for key, request in compare.raw_requests().items():
        want = server.answers[key]
        status, content_type, body = send_raw(port, request.raw)
        if want.app:
            text = body.decode(errors="replace")
            ok = status == request.app and content_type.split(";")[0] == "application/json"
            if ok and status >= 400:
                ok = json.loads(text).get("error") in error_texts(status, request.path, request.body)
        else:
            ok = (status, body_kind(content_type, body)) == (want.status, want.kind)
        if not ok:
            problems.append(f"{request.what}: got {status} {content_type!r} {body[:80]!r}; the table says {want}")
    assert not problems, f"{where(w, w.step(step_id))} ({server.name}):\n" + "\n".join(problems)


def served() -> list:
    """Every server the Compare pages start, by `compare.<framework>.<step>`."""
    return [pytest.param(w, step, id=f"{w.id}.{step.id}") for w in IMPLEMENTATIONS for step in w.servers]


@pytest.mark.server
@pytest.mark.parametrize(("w", "step"), served())
def test_contract_over_http(w: Walkthrough, step: Step, live: LiveServers) -> None:
    """The whole contract against each server the page starts (development
    and production), over real HTTP; the server's own answers to raw
    requests, most of them malformed; against the production server,
    concurrent writes (Bottle's development server takes five waiting
    connections and resets the rest). Every check leaves the store as it
    found it, so the server is the one the other checks use."""
    server = live.server(f"{w.id}.{step.id}")
    client = HTTPClient(server.base_url)
    try:
        c = Checked(client, where(w, step) + " [over HTTP]", in_process=False)
        for check in CHECKS:
            check(c)
        check_server_answers(w, step.id, server.port)
        if step.id == "prod":
            check_concurrent_writes(c, server.base_url)
    finally:
        client.close()


@pytest.mark.deep
@pytest.mark.server
@pytest.mark.stops
@pytest.mark.parametrize("w", [pytest.param(w, id=f"{w.id}.prod") for w in IMPLEMENTATIONS])
def test_schemathesis_over_http(w: Walkthrough, live: LiveServers, tmp_path: Path) -> None:
    """Schemathesis, with FastAPI's published schema and every check it has,
    against the production server; last among this server's checks, since
    the items it creates stay in the store.

    Deep: `make test` runs the same Schemathesis settings in-process against
    each app, and the contract's own cases over HTTP against this server;
    its generated cases over real HTTP (about 6 CPU-seconds a server, most of
    it the `st` command starting) run with the deep checks."""
    server = live.server(f"{w.id}.prod")
    check_with_schemathesis(w, server.base_url, tmp_path / "schemathesis")


# --------------------------------------------------------------------------
# The schema FastAPI publishes, and Schemathesis holding all seven to it
# --------------------------------------------------------------------------

SCHEMATHESIS = ROOT / "tests" / "schemathesis.toml"
"""Every setting of the Schemathesis runs: seed, examples, checks, and the
statuses the contract adds to its positive and negative data checks."""
OPERATIONS = {
    ("get", "/items"): {"200"},
    ("post", "/items"): {"201", "409", "413", "415", "422", "507"},
    ("get", "/items/{item_id}"): {"200", "404"},
    ("delete", "/items/{item_id}"): {"204", "404"},
}
"""Each operation of the contract, and every status it answers."""


def published_schema() -> dict:
    """The OpenAPI schema FastAPI's version publishes (/openapi.json, which /docs shows)."""
    fastapi = next(w for w in IMPLEMENTATIONS if w.framework == "fastapi")
    return app_of(fastapi, fastapi.step("prod")).openapi()


def test_fastapi_documents_what_it_answers() -> None:
    """FastAPI's /docs tells the truth: each operation lists every status the
    contract gives it, each error with the `{"error": "..."}` body the app
    sends, a 204 with no body; in OpenAPI 3.0, where 1.0 is not an integer."""
    schema = published_schema()
    where = "snippets/compare/fastapi/app.py: /openapi.json"
    assert schema["openapi"].startswith("3.0."), f"{where} is OpenAPI {schema['openapi']}"
    documented = {(m, p): set(op["responses"]) for p, ops in schema["paths"].items() for m, op in ops.items()}
    assert documented == OPERATIONS, f"{where} documents {documented}; the contract answers {OPERATIONS}"
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and error["properties"]["error"]["type"] == "string", error
    for (method, path), statuses in OPERATIONS.items():
        for status in statuses:
            content = schema["paths"][path][method]["responses"][status].get("content")
            if status == "204":
                assert not content, f"{where}: {method.upper()} {path} documents a body for its 204"
            elif int(status) >= 400:
                ref = content["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", f"{where}: {method.upper()} {path} {status} is {ref}"


def schemathesis_failures(schema) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """Run Schemathesis's engine (what `st run` runs) over a loaded schema:
    how many cases it generated, and each failure with its curl command."""
    from schemathesis.engine import Status, events, from_schema

    cases, found = 0, []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.cases)
            for nodes in event.recorder.checks.values():
                for node in nodes:
                    if node.status == Status.FAILURE and node.failure_info:
                        failure = node.failure_info.failure
                        found.append(f"{node.name}: {failure.title}: {failure.message} ({node.failure_info.code_sample})")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            found.append(f"error: {event.info}")  # type: ignore[union-attr]
    return cases, sorted(set(found))


@contextlib.contextmanager
def schemathesis_target(w: Walkthrough) -> Iterator[dict]:
    """How Schemathesis reaches an app in-process: the WSGI or ASGI app
    itself, Django's inside its own settings, or Tornado's on the loopback
    port of its in-process test server."""
    step = w.servers[0]
    kind = registry.framework_of(w).client
    if kind == "tornado":
        client = open_client(w, step)
        try:
            yield {"base_url": f"http://127.0.0.1:{client.port}"}  # type: ignore[attr-defined]
        finally:
            client.close()  # type: ignore[attr-defined]
        return
    if kind != "django":
        yield {"app": app_of(w, step)}
        return
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings
    from django.urls import get_resolver

    django_project.setup()
    overrides = django_project.own_settings(import_snippet(w.snippet(step)))
    with override_settings(**overrides):
        handler = WSGIHandler()  # its middleware, the file's own (none)
        # The store Django's URLconf reaches, shared with the in-process checks.
        store = get_resolver().urlconf_module.items
    saved = dict(store)

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        with override_settings(**overrides):
            return list(handler(environ, start_response))

    try:
        yield {"app": app}
    finally:
        store.clear()
        store.update(saved)


@pytest.mark.parametrize("w", impl_params())
def test_schemathesis_in_process(w: Walkthrough) -> None:
    """Schemathesis, every check and every phase, against each app
    in-process, with FastAPI's published schema: no answer it does not
    document, no valid item refused, no invalid one taken, no 5xx."""
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    schema = schemathesis.openapi.from_dict(published_schema(), config=SchemathesisConfig.from_path(SCHEMATHESIS))
    with schemathesis_target(w) as target:
        if "app" in target:
            schema.app = target["app"]
        else:
            schema.config.update(base_url=target["base_url"])
        cases, failures = schemathesis_failures(schema)
    context = f"{where(w, w.servers[0])} [Schemathesis in-process]"
    assert cases, f"{context}: generated no case"
    assert not failures, f"{context}: {len(failures)} failures in {cases} cases:\n" + "\n".join(failures[:20])


def check_with_schemathesis(w: Walkthrough, base_url: str, tmp: Path) -> None:
    """`st run`, Schemathesis's own command, against a production server
    with FastAPI's published schema: for FastAPI's, read from the server
    itself. It writes nothing outside `tmp`."""
    tmp.mkdir()
    if w.framework == "fastapi":
        location = base_url + "/openapi.json"
    else:
        (tmp / "openapi.json").write_text(json.dumps(published_schema()))
        location = "openapi.json"
    command = [str(Path(sys.executable).with_name("st")), "--config-file", str(SCHEMATHESIS),
               "run", location, "--url", base_url, "--no-color"]
    done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp / "hypothesis")})
    context = f"{where(w, w.step('prod'))} [Schemathesis over HTTP]"
    generated = re.search(r"(\d+) generated", done.stdout)
    assert done.returncode == 0 and generated and int(generated[1]), (
        f"{context}: `{' '.join(command[1:])}` exited {done.returncode}:\n{done.stdout[-5000:]}{done.stderr[-2000:]}"
    )


# --------------------------------------------------------------------------
# Who handled the bad input: each framework alone (tests/bare/)
# --------------------------------------------------------------------------

BARE = ROOT / "tests" / "bare"


@contextlib.contextmanager
def bare_client(key: str) -> Iterator[tuple[Client, Any]]:
    """The framework's own test client around its bare app
    (`tests/bare/<key>_alone.py`), and the app's module. An exception the
    app lets out answers 500, as its server would."""
    kind = registry.framework(key).client
    if kind == "django":
        django_project.setup()
    module = import_file(BARE / f"{key}_alone.py", f"bare_{key}")
    client = DjangoClient(module) if kind == "django" else CLIENTS[kind](module.app)

    class Answering:
        def request(self, *args: Any) -> Response:
            try:
                return client.request(*args)
            except Exception as error:  # noqa: BLE001 - WebTest hands on what a WSGI app raises
                return Response(500, "", repr(error))

    try:
        yield Answering(), module  # type: ignore[misc]
    finally:
        if hasattr(client, "close"):
            client.close()


Outcome = tuple[str | None, str]
"""What a bare framework did with one request of a probe: the request's
label (None when the probe sends one), and "" if it answered as the contract
says, else `takes` (a 2xx) or what it did instead."""


def status_outcome(r: Response, expected: int) -> str:
    return "" if r.status == expected else "takes" if r.status < 300 else f"answers {r.status}"


BIG = json.dumps({"id": 9, "name": "😀" * 100}).encode()  # a valid item of 1,200 bytes


def probe_ids(c: Client, _: Any) -> list[Outcome]:
    segments = {"`abc`": "abc", "`-1`": "-1", "5000 digits": "9" * 5000}
    return [(label, status_outcome(c.request("GET", f"/items/{s}"), 404)) for label, s in segments.items()]


def probe_method(c: Client, _: Any) -> list[Outcome]:
    found: list[Outcome] = []
    for method, path, allowed in [("PUT", "/items", ALLOWED["/items"]), ("PATCH", "/items/1", ALLOWED["/items/1"])]:
        r = c.request(method, path, b"{}", JSON)
        allow = r.headers.get("allow", "")
        named = {m.strip().upper() for m in allow.split(",") if m.strip()}
        outcome = (f"answers {r.status}" if r.status != 405 else "sends no `Allow`" if not allow
                   else "" if allowed <= named and method not in named else f"sends `Allow: {allow}`")
        found.append((f"`{method} {path}`", outcome))
    return found


def probe_too_long(c: Client, _: Any) -> list[Outcome]:
    return [(None, status_outcome(c.request("POST", "/items", BIG, JSON), 413))]


def probe_not_json_type(c: Client, _: Any) -> list[Outcome]:
    body = json.dumps({"id": 9, "name": "x"}).encode()
    types = {"`text/plain`": "text/plain", "multipart": "multipart/form-data; boundary=x",
             "no type": None, "`+json`": "application/problem+json"}
    return [(label, status_outcome(c.request("POST", "/items", body, {"Content-Type": t} if t else {}), 415))
            for label, t in types.items()]


def probe_bad_json(c: Client, _: Any) -> list[Outcome]:
    return [(None, status_outcome(c.request("POST", "/items", b'{"id": 9, "name": "x"', JSON), 422))]


def probe_fields(c: Client, _: Any) -> list[Outcome]:
    bodies = {"a string id": b'{"id": "9", "name": "x"}', "no name": b'{"id": 9}',
              "an extra field": b'{"id": 9, "name": "x", "price": 3}'}
    return [(label, status_outcome(c.request("POST", "/items", b, JSON), 422)) for label, b in bodies.items()]


def probe_errors(c: Client, _: Any) -> list[Outcome]:
    r = c.request("GET", "/nope")
    kind = r.content_type.split(";")[0]
    if kind == "application/json":
        data = r.json()
        good = isinstance(data, dict) and set(data) == {"error"} and isinstance(data["error"], str)
        return [(None, "" if good else f"answers `{json.dumps(data)}`")]
    return [(None, {"text/html": "answers in HTML", "text/plain": "answers in plain text"}.get(kind, f"answers {kind}"))]


def probe_json_out(c: Client, bare: Any) -> list[Outcome]:
    def sends(r: Response, data: object) -> bool:
        with contextlib.suppress(ValueError):
            return r.content_type.startswith("application/json") and r.json() == data
        return False

    listed = c.request("GET", "/items")
    echoed = c.request("POST", "/items", json.dumps(bare.ITEMS[0]).encode(), JSON)
    return [("a list", "" if sends(listed, bare.ITEMS) else "fails on"),
            ("an object", "" if sends(echoed, bare.ITEMS[0]) else "fails on")]


PROBES: dict[str, Callable[[Client, Any], list[Outcome]]] = {
    "ids": probe_ids,
    "method": probe_method,
    "too-long": probe_too_long,
    "not-json-type": probe_not_json_type,
    "bad-json": probe_bad_json,
    "fields": probe_fields,
    "errors": probe_errors,
    "json-out": probe_json_out,
}
"""How each row of the table is tried on a bare framework."""


def phrase(outcomes: list[Outcome]) -> str:
    """What the framework did alone, as a cell says it: outcomes grouped,
    `answers 422 to `abc` and 5000 digits, takes `-1``; "" if it did all
    that the contract says."""
    groups: dict[str, list[str]] = {}
    for label, outcome in outcomes:
        if outcome:
            groups.setdefault(outcome, []).append(label or "")
    parts = []
    for outcome, labels in groups.items():
        said = ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1]
        if not said:
            parts.append("takes it" if outcome == "takes" else outcome)
        else:
            parts.append(f"{outcome} {said}" if outcome in ("takes", "fails on") else f"{outcome} to {said}")
    return ", ".join(parts)


def test_the_table_of_who_handled_what_has_a_probe_per_row() -> None:
    """Every row of the table is tried, and has a cell for every framework."""
    rows = compare.handled()
    assert list(rows) == list(PROBES), f"{compare.DATA.name}: rows {list(rows)}, probes {list(PROBES)}"
    for row in rows.values():
        assert list(row.cells) == list(registry.frameworks()), f"{row.key}: cells for {list(row.cells)}"


@pytest.mark.parametrize("key", list(registry.frameworks()))
def test_who_handled_the_bad_input(key: str) -> None:
    """Each cell of "Who handled the bad input", tried on the framework
    alone (its bare app, routed and configured as its file is, with none of
    its code): a `built in` cell holds only if the framework does what the
    contract says, a `code` cell only if it does not, and its brackets say
    exactly what it does instead. What a `built in` cell names in backticks
    is in the framework's file."""
    source = (SNIPPETS / "compare" / key / "app.py").read_text()
    problems = []
    with bare_client(key) as (client, bare):
        for row in compare.handled().values():
            cell = row.cells[key]
            found = phrase(PROBES[row.key](client, bare))
            said = "" if cell.built_in else cell.note
            if found != said:
                problems.append(f"{row.input}: the table says {str(cell)!r}; {key} alone: {found or 'as the contract says'!r}")
            if cell.built_in:
                problems += [f"{row.input}: {name} is not in {key}'s file"
                             for name in re.findall(r"`([^`]+)`", cell.note) if name.split()[-1] not in source]
    assert not problems, f"{compare.DATA.name} (Who handled the bad input), {key}:\n" + "\n".join(problems)


def test_flask_needs_one_rule_per_path() -> None:
    """Why Flask's file registers one rule per path, as its page says: with
    a route per method, Werkzeug answers `DELETE /items/<5000 digits>` with
    405, not 404."""
    from flask import Flask

    app = Flask("a_route_per_method")

    @app.get("/items/<int:item_id>")
    def get_item(item_id: int) -> dict:
        return {}

    @app.delete("/items/<int:item_id>")
    def delete_item(item_id: int) -> tuple[str, int]:
        return "", 204

    assert app.test_client().delete("/items/" + "9" * 5000).status_code == 405


# --------------------------------------------------------------------------
# Generated input (hypothesis), in-process
# --------------------------------------------------------------------------

GENERATED = settings()
"""The profile the run loaded (guide.session): 25 examples in `make test`,
150 in `make test-deep`; derandomized, no deadline, no example database."""

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)
ids = st.one_of(
    st.integers(min_value=-3, max_value=6),
    st.integers(min_value=MAX_ID - 2, max_value=MAX_ID + 2),
    st.integers(),
    json_values,
)
names = st.one_of(st.text(max_size=110), st.text(min_size=98, max_size=102), json_values)
objects = st.one_of(
    st.fixed_dictionaries({"id": ids, "name": names}),
    st.fixed_dictionaries({"id": ids, "name": names}, optional={"extra": json_values}),
    st.fixed_dictionaries({}, optional={"id": ids, "name": names}),
    json_values,
)
bodies = st.one_of(
    objects.map(lambda v: json.dumps(v).encode()),
    objects.map(lambda v: json.dumps(v, ensure_ascii=False).encode()),
    st.binary(max_size=50),
)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain", None]
)


def contract_status(body: bytes, content_type: str | None, existing: set[int]) -> set[int]:
    """What the contract answers to a POST of this body: the reference model.
    A body both too long and not JSON may get either answer."""
    too_long = len(body) > MAX_BODY
    if (content_type or "").split(";")[0].strip().lower() != "application/json":
        return {413, 415} if too_long else {415}
    if too_long:
        return {413}
    try:
        data = json.loads(body)
    except ValueError:
        return {422}
    if not (isinstance(data, dict) and set(data) == {"id", "name"}):
        return {422}
    if type(data["id"]) is not int or not 1 <= data["id"] <= MAX_ID:
        return {422}
    if type(data["name"]) is not str or not 1 <= len(data["name"]) <= 100:
        return {422}
    return {409} if data["id"] in existing else {201}


@pytest.mark.parametrize("w", impl_params())
def test_generated_bodies(w: Walkthrough) -> None:
    """Generated POST bodies and content types get the status the contract
    gives them, never a 5xx, errors in JSON; what was created reads back
    unchanged and nothing else is stored."""
    c = in_process(w)

    @GENERATED
    @given(body=bodies, content_type=content_types)
    def post(body: bytes, content_type: str | None) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        r = c.post(body, headers)
        try:
            expect(r, contract_status(body, content_type, {1, 2}))
            if r.status == 201:
                sent = json.loads(body)
                assert r.json() == sent, f"{r.where}: answered {r.json()!r}, sent {sent!r}"  # type: ignore[attr-defined]
                expect(c.get(f"/items/{sent['id']}"), 200, sent)
        finally:
            if r.status == 201:
                expect(c.delete(r.json()["id"]), 204)
        expect(c.get("/items"), 200, SEED)

    post()


segments = st.one_of(
    st.integers(min_value=-5, max_value=5).map(str),
    st.integers().map(str),
    st.text(alphabet="0123456789", min_size=1, max_size=40),
    st.text(min_size=1, max_size=30),
).filter(lambda s: s not in {".", ".."})
OTHER_PAGES = {"items", "docs", "redoc", "openapi.json"}
"""Top-level paths a framework may serve besides /items (FastAPI's docs)."""


@pytest.mark.parametrize("w", impl_params())
def test_generated_paths(w: Walkthrough) -> None:
    """Any id segment gives the item with that id, or a JSON 404; any other
    top-level path is a JSON 404; never a 5xx."""
    c = in_process(w)

    @GENERATED
    @given(segment=segments, method=st.sampled_from(["GET", "DELETE"]))
    def visit(segment: str, method: str) -> None:
        r = c.call(method, f"/items/{quote(segment, safe='')}")
        if r.status in (200, 204):
            found = int(segment)  # only a whole number may name an item
            assert found in (1, 2), f"{r.where}: status {r.status} for an id that does not exist"  # type: ignore[attr-defined]
            if method == "GET":
                expect(r, 200, SEED[found - 1])
            else:
                expect(c.post(SEED[found - 1]), 201)
        else:
            expect(r, 404)
        if segment not in OTHER_PAGES:
            expect(c.get(f"/{quote(segment, safe='')}"), 404)

    visit()
    expect(c.get("/items"), 200, SEED)


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------

PAGE = DOCS / "compare.md"
TAB_SET = re.compile(r'^=== "(?P<label>[^"]+)"\n(?P<body>(?:\n|    .*\n)*)', re.MULTILINE)
TYPED_COUNT = re.compile(r"\*\*\d+ lines")


def tab_sets(page: Path = PAGE) -> list[list[tuple[str, str]]]:
    """The page's tab sets, each a list of (label, body); a set is a run of
    tabs with nothing between them but blank lines."""
    sets: list[list[tuple[str, str]]] = []
    end = -1
    text = page.read_text()
    for m in TAB_SET.finditer(text):
        if m.start() != end:
            sets.append([])
        sets[-1].append((m["label"], m["body"]))
        end = m.end()
    return sets


def test_page_tabs_are_linked() -> None:
    """Every tab set on the page has one tab per implementation, labelled with
    its framework's name, in the same order, so Material's linked tabs switch
    them together."""
    sets = tab_sets()
    assert len(sets) >= 2, f"{PAGE.name}: expected tab sets for the versions and their commands; found {len(sets)}"
    names = [registry.framework(w.framework).name for w in IMPLEMENTATIONS]
    for tabs in sets:
        labels = [label for label, _ in tabs]
        assert sorted(labels) == sorted(names) and labels == [lb for lb, _ in sets[0]], (
            f"{PAGE.name}: tab labels {labels}; walkthroughs.yml has {names}, and every set the first's order"
        )


@pytest.mark.parametrize("w", impl_params())
def test_each_version_has_a_page_of_its_own(w: Walkthrough) -> None:
    """Each Items API is shown on its own page (its walkthrough's `page:`),
    which the Compare page's tab for that framework links to."""
    page = ROOT / w.page_file
    assert page != PAGE and page.is_file(), f"{w.id}: shown on {w.page_file}, which is not a page of its own"
    name = registry.framework(w.framework).name
    tab = dict(tab_sets()[0])[name]
    assert f"]({page.name})" in tab, f"{PAGE.name}: the {name} tab does not link to {page.name}"
    notes = {arg for kind, arg in markers(page) if kind == "handled"}
    assert notes == {w.framework}, f'{w.page_file}: show {{{{ handled("{w.framework}") }}}}, not {notes}'
    assert ("handled", None) in markers(PAGE), f"{PAGE.name}: show the table with {{{{ handled() }}}}"


@pytest.mark.parametrize("w", impl_params())
def test_page_line_counts(w: Walkthrough) -> None:
    """The line counts are the feature matrix's (non-blank lines,
    `guide.render.features.lines`): rendered by the `lines` marker of the
    framework each one describes, on its own page and in its Compare tab,
    never typed."""
    key, name = w.framework, registry.framework(w.framework).name
    page = ROOT / w.page_file
    counted = {arg for kind, arg in markers(page) if kind == "lines"}
    assert counted == {key}, f'{w.page_file} counts the lines of {sorted(counted)}: use {{{{ lines("{key}") }}}}'
    assert f'{{{{ lines("{key}") }}}}' in dict(tab_sets()[0])[name], (
        f'{PAGE.name}: the {name} tab should state its line count with {{{{ lines("{key}") }}}}'
    )
    for shown in (PAGE, page):
        typed = TYPED_COUNT.findall(shown.read_text())
        assert not typed, f"{shown.name} types line counts {typed}; use the lines marker"
    rendered = render(page.read_text())
    assert f"**{features.lines(key)} lines**" in rendered, f"{w.page_file} does not show {features.lines(key)} lines"


def test_page_states_the_contract_from_its_data() -> None:
    """The Compare page renders the tables the tests hold the apps and
    servers to: the errors' texts, the servers' answers, who handled what."""
    shown = markers(PAGE)
    for marker in [("contract_errors", None), ("server_answers", None), ("handled", None)]:
        assert marker in shown, f"{PAGE.name}: add {{{{ {marker[0]}() }}}}"


def test_home_page_links_each_items_api() -> None:
    """Each row of the home page's "How to choose" table links "Its Items API"
    to the page of that row's framework's Items API."""
    home = (DOCS / "index.md").read_text()
    rows = re.findall(r"^\|.*?\]\((?P<page>\w+)\.md\).*\[Its Items API\]\((?P<target>[^)]+)\)", home, re.MULTILINE)
    assert sorted(page for page, _ in rows) == sorted(registry.frameworks()), f"index.md: Items API links in rows {rows}"
    for key, target in rows:
        expected = Path(registry.framework(key).items_walkthrough().page_file).name
        assert target == expected, f"index.md: the {key} row's Items API link goes to {target}, not {expected}"
