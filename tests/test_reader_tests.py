"""The reader's own tests can fail: each one catches a broken app.

Every framework page, and each tab of the Compare page, shows the reader a
test file for the app they built and the command that runs it. Here the
page's steps are followed in a fresh folder (without starting the servers,
which the tests do not need) and its test command is run as the page gives
it: it must pass and print what the page says. A test that passes whatever
the app does proves nothing, so each one is then run against broken copies of
its app: one small change breaks the app (a response text, a status code, a
route), and the page's test command must then exit non-zero with output that
names what broke: the changed text, or the status the app now answers
instead. The last tests check what the pages say about the test tools
themselves (CherryPy's fixed port and its prompt, FastAPI's httpx2, Tornado's
timeout, the Compare page's table).
"""

from __future__ import annotations

import contextlib
import dataclasses
import http
import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from guide.checks import where
from guide.paths import DOCS
from guide.processes import port_lock
from guide.reader import COMMAND_TIMEOUT, Reader
from guide.walkthroughs import Step, Walkthrough, walkthrough, walkthroughs

KINDS = {"text": "a changed response text", "status": "a changed status code", "route": "a removed route"}
"""The ways every reader test is shown to catch breakage. Some add more: a
changed WebSocket message (Tornado), a crash in a view (Flask, whose page says
pytest then names the exception), and a test that leaves out a header CherryPy
needs (the Compare page says the server then refuses the body)."""


@dataclasses.dataclass(frozen=True)
class Breakage:
    """One way to break an app: in `file` (as the walkthrough saves it), the
    text `old`, which must occur exactly once, becomes `new`; the failing
    test's output must then contain `shows`."""

    walkthrough: str
    kind: str
    file: str
    old: str
    new: str
    shows: str

    @property
    def id(self) -> str:
        return f"{self.walkthrough}-{self.kind}"


def status(code: int) -> str:
    """A status line as this Python names it: the test tools take the phrase
    from the standard library, and Python 3.13 renamed some (RFC 9110): 413
    "Request Entity Too Large" is now "Content Too Large", 422 "Unprocessable
    Entity" "Unprocessable Content"."""
    return f"{code} {http.HTTPStatus(code).phrase}"


MALLET = ("text", "app.py", '{"id": 1, "name": "Hammer"}', '{"id": 1, "name": "Mallet"}', "Mallet")
"""The Compare page's store with its first item renamed (every tab starts from it)."""

BROKEN: dict[str, list[tuple[str, str, str, str, str]]] = {
    # walkthrough: [(kind, file, old, new, shows), ...]
    "flask.items": [
        ("text", "app.py", '"name": "Item One"', '"name": "Item 1"', "'name': 'Item 1'"),
        ("status", "app.py", '"Item not found"), 404', '"Item not found"), 400', "assert 400 == 404"),
        ("route", "app.py", '@app.get("/api/items")\n', "", "assert 404 == 200"),
        # TESTING=True: pytest names the exception (without it, the report says `assert 500 == 200`).
        ("crash", "app.py", "    return jsonify(items)\n", "    return jsonify(items[99])\n",
         "test_list_items - IndexError: list index out of range"),
    ],
    "fastapi.items": [
        ("text", "main.py", '"A sturdy hammer"', '"A rusty hammer"', "A rusty hammer"),
        ("status", "main.py", '"/items/", status_code=201', '"/items/"', "assert 200 == 201"),
        ("route", "main.py", '@app.get("/items/{item_id}")\n', "", "assert 404 == 200"),
    ],
    "django.blog": [
        ("text", "myblog/posts/models.py", "return self.title", "return self.content",
         "'My first post.' != 'Hello'"),
        # A limit the test's post breaks: the admin shows its form again (200) instead of redirecting.
        ("status", "myblog/posts/models.py", "max_length=200", "max_length=3",
         "Response code was 200 (expected 302)"),
        ("route", "myblog/posts/admin.py", "admin.site.register(Post)\n", "",
         "Response code was 404 (expected 302)"),
    ],
    "pyramid.traversal": [
        ("text", "app.py", '"Start here."', '"Begin here."', "Begin here."),
        ("status", "app.py", "Response(body, status=404)", "Response(body, status=200)",
         "Bad response: 200 OK (not 404)"),
        # Traversal has no routes: without the view for pages, every page is not found.
        ("route", "app.py", "        config.add_view(page_view, context=Page)\n", "",
         "Bad response: 404 Not Found (not 200)"),
    ],
    "bottle.service": [
        ("text", "app.py", "<b>Hello, {{name}}!</b>", "<b>Hi, {{name}}!</b>", "'<b>Hi, Ada!</b>'"),
        ("status", "app.py", "abort(400,", "abort(413,", f"Bad response: {status(413)} (not 400)"),
        ("route", "app.py", '@app.get("/square/<number:int>")\n', "", "Bad response: 404 Not Found"),
    ],
    "cherrypy.hello": [
        ("text", "app.py", '"This is the homepage."', '"This is the home page."', "b'This is the home page.'"),
        ("status", "app.py", "status = 400\n            return \"Please provide integer",
         "status = 422\n            return \"Please provide integer",
         f"Status {status(422)} does not match 400"),
        ("route", "app.py", "    @cherrypy.expose\n    def add(", "    def add(",
         "Status 404 Not Found does not match 200"),
    ],
    "tornado.realtime": [
        ("text", "app.py", '"Hello, Tornado! This response was delayed."', '"Hello, Tornado!"',
         "b'Hello, Tornado!' != b'Hello, Tornado! This response was delayed.'"),
        ("message", "app.py", 'f"You said: {message}"', 'f"You sent: {message}"',
         "'You sent: hello' != 'You said: hello'"),
        ("status", "app.py", "        await asyncio.sleep(DELAY)\n",
         "        await asyncio.sleep(DELAY)\n        self.set_status(202)\n", "202 != 200"),
        ("route", "app.py", '        (r"/ws", EchoWebSocket),\n', "", "HTTP 404: Not Found"),
    ],
    "compare.flask": [
        MALLET,
        ("status", "app.py", "jsonify(item), 201", "jsonify(item), 200", "assert 200 == 201"),
        ("route", "app.py", 'app.add_url_rule("/items", view_func=ItemList.as_view("items"))\n', "",
         "assert 404 == 200"),
    ],
    "compare.fastapi": [
        ("text", "app.py", 'Item(id=1, name="Hammer")', 'Item(id=1, name="Mallet")', "Mallet"),
        ("status", "app.py", "    status_code=201,\n", "", "assert 200 == 201"),
        # POST /items is still there, so a GET is now the wrong method.
        ("route", "app.py", '@app.get("/items")\n', "", "assert 405 == 200"),
    ],
    "compare.django": [
        MALLET,
        ("status", "app.py", "JsonResponse(item, status=201,", "JsonResponse(item, status=200,", "200 != 201"),
        ("route", "app.py", '    path("items", ItemList.as_view()),\n', "", "404 != 200"),
    ],
    "compare.pyramid": [
        MALLET,
        ("status", "app.py", "response.status = 201", "response.status = 200", "Bad response: 200 OK (not 201)"),
        ("route", "app.py",
         '        config.add_view(list_items, route_name="items", request_method="GET", **json_view)\n', "",
         "Bad response: 405 Method Not Allowed"),
    ],
    "compare.bottle": [
        MALLET,
        ("status", "app.py", "response.status = 201", "response.status = 200", "Bad response: 200 OK (not 201)"),
        ("route", "app.py", '@app.get("/items")\n', "", "Bad response: 405 Method Not Allowed"),
    ],
    "compare.cherrypy": [
        MALLET,
        ("status", "app.py", "response.status = 201", "response.status = 200", "Status 200 OK does not match 201"),
        ("route", "app.py", "class Root:\n    items = Items()", "class Root:\n    pass",
         "Status 404 Not Found does not match 200"),
        # Not the app: the page says a body sent without a Content-Length reaches the app empty.
        ("no-length", "test_app.py", ', ("Content-Length", str(len(body)))]', "]",
         f"Status {status(422)} does not match 201"),
    ],
    "compare.tornado": [
        MALLET,
        ("status", "app.py", "self.send(201, item)", "self.send(200, item)", "200 != 201"),
        ("route", "app.py", '            (r"/items", ItemsHandler),\n', "", "404 != 200"),
    ],
}
BREAKAGES = [Breakage(w, *row) for w, rows in BROKEN.items() for row in rows]

TESTED = [w for w in walkthroughs() if any(s.id == "test" for s in w.steps)]
"""The walkthroughs that end with the reader's own tests."""


def follow_to_tests(w: Walkthrough, tmp: Path) -> tuple[Reader, Step]:
    """Follow the page up to its `test` step, as the reader does, but start no
    server and skip the installs (tests/test_walkthroughs.py runs them)."""
    reader = Reader(w, tmp, installs=False)
    for step in w.steps:
        if step.id == "test":
            return reader, step
        if step.while_serving:
            continue  # a client for a server this does not start
        context = where(w, step)
        for command in step.commands:
            reader.run(command, context)
        if step.copy:
            reader.copy(step.copy)
        if step.edit:
            reader.edit(step.edit, context)
    raise AssertionError(f"{w.page_file}: {w.id} has no step 'test'")


def replace_once(path: Path, old: str, new: str, context: str) -> None:
    """Change a file of the reader's; fail loudly if `old` is not in it exactly
    once (a breakage that no longer applies would prove nothing)."""
    text = path.read_text()
    found = text.count(old)
    assert found == 1, f"{context}: {path.name} has {found} copies of {old!r}; update the breakage"
    path.write_text(text.replace(old, new))


def failing_output(reader: Reader, step: Step, context: str) -> str | None:
    """What the page's test command prints when it fails; None if it passes."""
    try:
        for command in step.commands:
            reader.run(command, context)
    except AssertionError as failed:
        if " exited " not in str(failed).split("\n", 1)[0]:
            raise  # it passed but printed something else than the page says
        return str(failed)
    return None


IN_ONE_PROCESS = {"flask", "fastapi", "pyramid", "bottle", "tornado"}
"""Frameworks whose reader tests (run by plain `pytest`) keep no state across
runs in one process, so every broken copy is tested in one (`guide.breakage`);
CherryPy's engine and Django's settings are global, so each copy gets its own
process there, as the page's command gives it."""


def run_copies(w: Walkthrough, reader: Reader, step: Step, folders: dict[str, Path]) -> dict[str, tuple[int, str]]:
    """The page's test command in each broken copy: (exit code, output) by breakage."""
    (command,) = step.commands
    if w.framework in IN_ONE_PROCESS and command.line == "pytest":
        proc = subprocess.run(
            [sys.executable, "-m", "guide.breakage", *map(str, folders.values())],
            env=reader.env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False,
        )
        assert proc.returncode == 0, f"{w.id}: guide.breakage failed:\n{proc.stderr[-3000:]}"
        found = json.loads(proc.stdout)
        return {kind: tuple(found[str(folder)]) for kind, folder in folders.items()}  # type: ignore[misc]
    results = {}
    for kind, folder in folders.items():
        with port_lock(command.port) if command.port else contextlib.nullcontext():
            proc = subprocess.run(shlex.split(command.line), cwd=folder, env=reader.env, capture_output=True,
                                  text=True, timeout=COMMAND_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        results[kind] = (proc.returncode, proc.stdout + proc.stderr)
    return results


@pytest.mark.parametrize("w", [pytest.param(w, id=f"{w.id}.test") for w in TESTED])
def test_reader_tests_pass_and_catch_every_broken_app(w: Walkthrough, tmp_path: Path) -> None:
    """The page's test command passes on the app the page builds, printing
    what the page says; it fails against the app broken each way its
    breakages say, and its output names what broke. The page is followed once;
    each breakage is made in a copy of the reader's folder."""
    reader, step = follow_to_tests(w, tmp_path / "followed")
    for command in step.commands:
        reader.run(command, where(w, step))  # exit 0 and the page's output, under coverage
    where_tests = reader.cwd.relative_to(reader.home)
    folders = {}
    for b in (b for b in BREAKAGES if b.walkthrough == w.id):
        copy = tmp_path / b.kind
        shutil.copytree(reader.home, copy, symlinks=True)
        replace_once(copy / b.file, b.old, b.new, f"{where(w, step)} [{b.id}]")
        folders[b.kind] = copy / where_tests
    results = run_copies(w, reader, step, folders)
    for b in (b for b in BREAKAGES if b.walkthrough == w.id):
        code, output = results[b.kind]
        context = f"{where(w, step)} [{KINDS.get(b.kind, b.kind)} in {b.file}]"
        assert code != 0, (
            f"{context}: the reader's tests still pass after {b.old!r} became {b.new!r}; "
            "they would not catch this bug"
        )
        assert b.shows in output, (
            f"{context}: the tests failed, but their output does not name what broke "
            f"({b.shows!r}):\n{output[-3000:]}"
        )


def test_nothing_after_the_last_server_but_the_reader_tests() -> None:
    """The shared servers (guide.live) follow a page only as far as its last
    server; the steps after it are run here, so they may only lead to the
    reader's tests: installing the test tools, saving the test file, `test`."""
    for w in walkthroughs():
        last = max((i for i, s in enumerate(w.steps) if s.serve), default=-1)
        after = [s for s in w.steps[last + 1 :] if not s.while_serving]
        others = [s.id for s in after if s.id not in ("install-tests", "test") and not (s.copy and not s.commands)]
        assert not others, f"{w.page_file}: {w.id} has steps after its last server no test runs: {others}"
        assert not after or after[-1].id == "test", f"{w.page_file}: {w.id} ends without its `test` step"


def test_every_reader_test_is_broken_every_way() -> None:
    """Each walkthrough with reader tests has a breakage of every kind, and
    each breakage belongs to one (a new reader test cannot go unbroken)."""
    kinds: dict[str, set[str]] = {w.id: set() for w in TESTED}
    pages = {w.page for w in walkthroughs()}
    untested = sorted(pages - {w.page for w in TESTED})
    tabs = {w.id for w in walkthroughs("compare")}
    assert not untested and tabs <= kinds.keys(), (
        f"pages without reader tests: {untested}; Compare tabs without: {sorted(tabs - kinds.keys())}"
    )
    for b in BREAKAGES:
        assert b.walkthrough in kinds, f"{b.id}: {b.walkthrough} has no step 'test'"
        kinds[b.walkthrough].add(b.kind)
    missing = {w: sorted(KINDS.keys() - found) for w, found in kinds.items() if KINDS.keys() - found}
    assert not missing, f"reader tests never shown to catch: {missing}"
    assert len({b.id for b in BREAKAGES}) == len(BREAKAGES), "two breakages share an id"


# --------------------------------------------------------------------------
# What the CherryPy pages say about CPWebCase
# --------------------------------------------------------------------------

CHERRYPY = [w for w in TESTED if w.framework == "cherrypy"]


@pytest.mark.parametrize("w", [pytest.param(w, id=w.id) for w in CHERRYPY])
def test_cpwebcase_needs_its_fixed_port(w: Walkthrough, tmp_path: Path) -> None:
    """CPWebCase runs CherryPy's real server on the port the walkthrough
    names, 54583: with that port taken, the run stops at once with exit
    status 70 (CherryPy's engine gives up), before pytest reports anything."""
    reader, step = follow_to_tests(w, tmp_path)
    (command,) = step.commands
    assert command.port == 54583, f"{w.id}: the test step names port {command.port}"
    with port_lock(command.port), socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", command.port))
        taken.listen()
        proc = subprocess.run(
            shlex.split(command.line),
            check=False,
            cwd=reader.cwd,
            env=reader.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 70 and not re.search(r"\d+ (passed|failed|error)", output), (
        f"{where(w, step)}: with port 54583 taken, `{command.line}` exited "
        f"{proc.returncode}:\n{output[-2000:]}"
    )


def test_cpwebcase_asks_at_the_terminal_unless_told_not_to(tmp_path: Path) -> None:
    """Without `interactive = False`, a failing check does not report the
    failure: it prompts for what to show, and under pytest (which gives a
    test no terminal input) ends in an error about stdin instead."""
    w = walkthrough("cherrypy.hello")
    reader, step = follow_to_tests(w, tmp_path)
    context = where(w, step) + " [without interactive = False]"
    broken = next(b for b in BREAKAGES if b.walkthrough == w.id and b.kind == "text")
    replace_once(reader.home / broken.file, broken.old, broken.new, context)
    test_file = reader.home / "test_app.py"
    line = next(ln for ln in test_file.read_text().splitlines() if "interactive = False" in ln)
    replace_once(test_file, line + "\n", "", context)
    output = failing_output(reader, step, context)
    assert output is not None, f"{context}: the tests passed against a broken app"
    prompt = "Show: [B]ody [H]eaders [S]tatus [U]RL; [I]gnore, [R]aise, or sys.e[X]it >>"
    assert prompt in output and "stdin" in output, (
        f"{context}: expected the prompt and an error about stdin:\n{output[-3000:]}"
    )


def test_cpwebcase_is_run_by_pytest_and_adds_test_gc() -> None:
    """The CherryPy pages: the helper imports pytest, and every CPWebCase class
    carries a `test_gc` (so pytest counts one test more than the file has).

    The helper's source is read, not imported: importing it subscribes a
    request counter to CherryPy's engine, which breaks the in-process CherryPy
    apps that later tests in this process call."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec("cherrypy.test.helper")
    assert spec and spec.origin
    tree = ast.parse(Path(spec.origin).read_text())
    imported = {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    assert "pytest" in imported, "cherrypy.test.helper no longer imports pytest"
    case = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "CPWebCase")
    assert any(isinstance(n, ast.FunctionDef) and n.name == "test_gc" for n in case.body), "CPWebCase has no test_gc"
    for w in CHERRYPY:
        source = (w.source / "test_app.py").read_text()
        written = len(re.findall(r"^    def test_", source, re.MULTILINE))
        (shown,) = w.step("test").commands[0].output
        assert shown == f"{written + 1} passed", f"{w.id}: {written} tests in the file, the page says {shown!r}"


# --------------------------------------------------------------------------
# What the other pages say about their test tools
# --------------------------------------------------------------------------


def test_fastapi_test_client_is_starlettes_and_needs_httpx2() -> None:
    """The FastAPI pages: `TestClient` is Starlette's, it is built on httpx2,
    and neither FastAPI nor Starlette installs httpx2 by itself."""
    from importlib.metadata import requires

    import fastapi.testclient
    import httpx2
    import starlette.testclient
    from packaging.requirements import Requirement

    assert fastapi.testclient.TestClient is starlette.testclient.TestClient
    assert starlette.testclient.httpx is httpx2, "Starlette's test client no longer uses httpx2"
    for dist in ("fastapi", "starlette"):
        needed = [Requirement(r) for r in requires(dist) or []]
        assert "httpx2" not in {r.name for r in needed if not r.marker}, f"{dist} now requires httpx2"


def test_tornado_test_timeout_is_five_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Tornado page: `fetch` and `gen_test` wait five seconds unless
    ASYNC_TEST_TIMEOUT says otherwise."""
    from tornado.testing import get_async_test_timeout

    monkeypatch.delenv("ASYNC_TEST_TIMEOUT", raising=False)
    assert get_async_test_timeout() == 5
    monkeypatch.setenv("ASYNC_TEST_TIMEOUT", "12")
    assert get_async_test_timeout() == 12


def test_compare_table_names_the_installs() -> None:
    """The Compare page's table of test tools names, for each framework, the
    packages its `install-tests` step installs (none for Django)."""
    page = (DOCS / "compare.md").read_text()
    for w in walkthroughs("compare"):
        row = next((line for line in page.splitlines() if line.lower().startswith(f"| {w.name} | ")), None)
        assert row, f"docs/compare.md: the table of test tools has no row for {w.name}"
        cell = row.rstrip(" |").rsplit("|", 1)[1].strip()
        shown = set() if cell == "nothing" else {name.strip().lower() for name in cell.split(",")}
        steps = [s for s in w.steps if s.id == "install-tests"]
        installed = {word.lower() for s in steps for c in s.commands for word in shlex.split(c.line)[4:]}
        assert shown == installed, f"docs/compare.md: {w.name} installs {sorted(installed)}, the table says {cell!r}"
