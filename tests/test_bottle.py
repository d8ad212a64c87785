"""What docs/bottle.md claims about Bottle beyond what every page is checked for.

tests/test_walkthroughs.py already opens every URL the page lists, in-process
and over real HTTP, feeds them bad input, and checks that every server listens
on 127.0.0.1 only and stops cleanly on Ctrl-C. These tests check the rest:

- the installed distribution: no requirements, one importable module
  (`bottle.py`); a copy of that file runs the snippet with no site-packages
  and loads nothing outside the standard library;
- the app mounts under a prefix in a larger Bottle app;
- the routes live on the snippet's own `Bottle()` object, not on Bottle's
  global default app;
- `{{name}}` is HTML-escaped, `<script>` included;
- numbers over the page's digit limit get a clear 400, never a 500;
- both commands run the standard library's wsgiref server, and `python
  app.py` hides tracebacks from visitors;
- the page's `--debug --reload` command shows tracebacks and picks up edits.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bottle
import httpx2
import pytest

from guide.checks import check_visit, where
from guide.clients import Client, Response, app_of, client_for, http_get, loopback_client
from guide.live import LiveServers
from guide.processes import Server, reader_env
from guide.reader import Reader
from guide.walkthroughs import Visit, walkthrough

SERVICE = walkthrough("bottle.service")
SERVE = SERVICE.step("serve")
DEBUG = SERVICE.step("debug")
CONTEXT = where(SERVICE, SERVE)


# --------------------------------------------------------------------------
# "A single file with no dependencies outside the standard library"
# --------------------------------------------------------------------------


def test_bottle_declares_no_requirements() -> None:
    """The installed distribution's metadata lists no Requires-Dist at all."""
    assert importlib.metadata.requires("bottle") is None, (
        f"docs/bottle.md says Bottle needs nothing outside the standard library, "
        f"but it requires {importlib.metadata.requires('bottle')}"
    )


def test_bottle_installs_one_module() -> None:
    """Besides its metadata and the scripts put in the venv's bin/, the
    distribution installs exactly one importable file: `bottle.py`."""
    dist = importlib.metadata.distribution("bottle")
    modules, scripts, other = [], [], []
    for file in dist.files or []:
        parts = file.parts
        if parts[0].endswith(".dist-info") or "__pycache__" in parts:
            continue
        if parts[0] == ".." and parts[-2] in {"bin", "Scripts"}:
            scripts.append(parts[-1])
        elif len(parts) == 1 and file.suffix == ".py":
            modules.append(str(file))
        else:
            other.append(str(file))
    assert (modules, other) == (["bottle.py"], []), (
        f"docs/bottle.md says Bottle is a single bottle.py; installed modules: "
        f"{modules}, other files: {other}"
    )
    # The page mentions the `bottle` command; the wheel also ships the module
    # itself as a legacy script, bin/bottle.py.
    assert sorted(scripts) == ["bottle", "bottle.py"], (
        f"docs/bottle.md names two files in bin/, bottle and bottle.py; installed: {scripts}"
    )


def test_the_bottle_command_is_python_m_bottle(tmp_path: Path) -> None:
    """The `bottle` command in bin/ runs the same command line as the page's
    `python -m bottle`: both print the same version and the same help (after
    the usage line, which names the program)."""
    printed = []
    for words in (["bottle"], [sys.executable, "-m", "bottle"]):
        for flag in ("--version", "--help"):
            done = subprocess.run([*words, flag], cwd=tmp_path, capture_output=True, text=True,
                                  env=reader_env(), timeout=30, check=False)
            assert done.returncode == 0, done
            printed.append(done.stdout.partition("\n")[2] if flag == "--help" else done.stdout)
    assert printed[:2] == printed[2:], f"docs/bottle.md: `bottle` and `python -m bottle` differ: {printed}"


def test_a_copy_of_bottle_py_runs_on_the_standard_library_alone(tmp_path: Path) -> None:
    """A copy of the installed `bottle.py` in an empty folder imports and
    serves the snippet in an interpreter that cannot see site-packages (`-I
    -S`), loading no module outside the standard library."""
    shutil.copy(bottle.__file__, tmp_path / "bottle.py")
    shutil.copy(SERVICE.snippet(SERVE), tmp_path / "app.py")
    code = (
        "import sys; sys.path.insert(0, '.'); before = set(sys.modules)\n"
        "import app, bottle\n"
        "from wsgiref.util import setup_testing_defaults\n"
        "env = {'PATH_INFO': '/square/5'}; setup_testing_defaults(env)\n"
        "body = b''.join(app.app(env, lambda *args: None)).decode()\n"
        "new = {m.partition('.')[0] for m in set(sys.modules) - before}\n"
        "print(bottle.__file__, sorted(new - set(sys.stdlib_module_names)), body, sep='\\n')"
    )
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    expected = [str(tmp_path / "bottle.py"), "['app', 'bottle']", "The square of 5 is 25."]
    assert proc.stdout.splitlines() == expected, (
        f"docs/bottle.md: with only a copy of bottle.py, running the snippet gave "
        f"{proc.stdout!r} {proc.stderr[-1000:]}"
    )


# --------------------------------------------------------------------------
# The snippet's own app object
# --------------------------------------------------------------------------


def test_routes_are_on_the_snippets_own_app() -> None:
    """`app = Bottle()` holds both routes; importing the snippet adds nothing
    to Bottle's global default app (so it cannot clash with other code)."""
    before = list(bottle.default_app().routes)
    app = app_of(SERVICE, SERVE)
    assert isinstance(app, bottle.Bottle) and app is not bottle.default_app(), (
        f"{CONTEXT}: `app` is Bottle's global default app, not one of its own"
    )
    assert bottle.default_app().routes == before, (
        f"{CONTEXT}: importing the snippet registered routes on the global default app"
    )
    rules = sorted((r.method, r.rule) for r in app.routes)
    assert rules == [("GET", "/greet/<name>"), ("GET", "/square/<number:int>")], (
        f"{CONTEXT}: routes {rules}"
    )


def test_app_mounts_under_a_prefix() -> None:
    """A larger Bottle app can mount the snippet's app under a prefix."""
    import webtest

    parent = bottle.Bottle()
    parent.mount("/tools/", app_of(SERVICE, SERVE))
    response = webtest.TestApp(parent).get("/tools/square/5", expect_errors=True)
    assert (response.status_int, response.text) == (200, "The square of 5 is 25."), (
        f"{CONTEXT}: mounted under /tools/, /tools/square/5 gave {response.status}"
    )


# --------------------------------------------------------------------------
# Escaping and input limits, in-process
# --------------------------------------------------------------------------


def expect(
    client: Client,
    path: str,
    status: int,
    body: str | None = None,
    contains: str | None = None,
) -> None:
    """One request, exact status; exact body or a substring; never a traceback."""
    visit = Visit(
        url=path,
        status=status,
        content_type="text/html; charset=UTF-8",
        body=body,
        contains=(contains,) if contains else (),
    )
    response = client.get(path)
    check_visit(response, visit, f"{CONTEXT} [in-process]")
    assert "Traceback" not in response.text, f"{CONTEXT}: GET {path[:60]} shows a traceback"


def test_greeting_escapes_script() -> None:
    """SimpleTemplate's `{{name}}` escapes <, >, quotes and ampersands."""
    with client_for(SERVICE, SERVE) as client:
        expect(
            client, "/greet/%3Cscript%3Ealert(1)", 200, body="<b>Hello, &lt;script&gt;alert(1)!</b>"
        )
        expect(
            client,
            "/greet/%22Tom%22%20%26%20%27Jerry%27",
            200,
            body="<b>Hello, &quot;Tom&quot; &amp; &#039;Jerry&#039;!</b>",
        )


def test_square_digit_limit() -> None:
    """Up to 1000 digits are squared exactly; longer numbers get a 400 that
    says why; past Python's 4300-digit limit Bottle's own converter refuses
    the path with a 400 of its own."""
    limit = "9" * 1000
    with client_for(SERVICE, SERVE) as client:
        expect(client, f"/square/{limit}", 200, body=f"The square of {limit} is {int(limit) ** 2}.")
        expect(
            client, f"/square/-{limit}", 200, body=f"The square of -{limit} is {int(limit) ** 2}."
        )
        for digits in (1001, 3000):
            expect(
                client,
                f"/square/{'9' * digits}",
                400,
                contains="Please use a number with at most 1000 digits.",
            )
        expect(client, f"/square/{'9' * 5000}", 400, contains="Path has wrong format.")


# --------------------------------------------------------------------------
# The real server
# --------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("ref", [f"{SERVICE.id}.{s.id}" for s in SERVICE.servers])
def test_server_is_wsgiref(ref: str, live: LiveServers) -> None:
    """Both commands on the page run the standard library's wsgiref server,
    which speaks HTTP/1.0."""
    with loopback_client(live.server(ref).base_url) as client:
        response = client.get("/square/5")
    assert (response.http_version, response.headers["server"].split("/")[0]) == (
        "HTTP/1.0",
        "WSGIServer",
    ), f"{ref}: {response.http_version} from {response.headers['server']}"


BROKEN = ("{number * number}", "{number // 0}")
"""An edit that makes /square/<n> raise ZeroDivisionError."""


def broken(reader: Reader) -> None:
    """Break the reader's app.py (see BROKEN)."""
    app_py = reader.home / "app.py"
    app_py.write_text(app_py.read_text().replace(*BROKEN))


@pytest.mark.server
@pytest.mark.parametrize("ref", [f"{SERVICE.id}.{SERVE.id}"])
def test_error_page_hides_the_traceback(ref: str, live: LiveServers) -> None:
    """Without debug mode, an exception in a route gives visitors a plain
    500 page: no traceback, no exception name. The traceback goes to the
    terminal."""
    with live.fresh(ref, prepare=broken) as (_, server):
        response = http_get(f"{server.base_url}/square/5")
        server.printed("ZeroDivisionError", timeout=10)
        assert "Traceback" in server.output and "ZeroDivisionError" in server.output, (
            f"{CONTEXT}: the terminal did not show the traceback:\n{server.output}"
        )
    assert response.status == 500 and "Internal Server Error" in response.text, (
        f"{CONTEXT}: broken /square/5 gave {response.status}"
    )
    for secret in ("Traceback", "ZeroDivisionError"):
        assert secret not in response.text, f"{CONTEXT}: the 500 page shows {secret}"


def restarted(server: Server, times: int, timeout: float = 20) -> bool:
    """Whether the terminal has shown the server start `times` times: each
    restart prints the page's lines again."""
    return all(server.printed(line, times=times, timeout=timeout) for line in server.command.output)


def answer(url: str, timeout: float = 20) -> Response:
    """GET `url` once it answers: a restarted server prints its lines just
    before it listens."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return http_get(url)
        except httpx2.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.mark.server
@pytest.mark.parametrize("ref", [f"{SERVICE.id}.{DEBUG.id}"])
def test_debug_command_reloads_and_shows_the_traceback(ref: str, live: LiveServers) -> None:
    """The page's `--debug --reload` command restarts on a saved edit, and
    its error page then shows the traceback. As a person does, the page is
    reloaded once the terminal shows the restart, not while it happens (a
    request answered at that moment loses the restart: the check below)."""
    context = where(SERVICE, DEBUG)
    with live.fresh(ref) as (reader, server):
        app_py = reader.home / "app.py"
        url = f"{server.base_url}/square/5"
        assert http_get(url).status == 200
        app_py.write_text(app_py.read_text().replace(*BROKEN))
        assert restarted(server, times=2), (
            f"{context}: the edit to app.py was not picked up within 20s:\n{server.output}"
        )
        response = answer(url)
        assert response.status == 500, f"{context}: after the edit /square/5 gave {response.status}"
        for shown in ("Traceback", "ZeroDivisionError"):
            assert shown in response.text, f"{context}: debug error page lacks {shown}"


SLOW = """

import time


@app.get("/slow")
def slow():
    print("answering /slow", flush=True)
    time.sleep(2)
    return "done"
"""
"""A route still answering when the reloader, which looks every second, sees the edit."""


@pytest.mark.server
@pytest.mark.parametrize("ref", [f"{SERVICE.id}.{DEBUG.id}"])
def test_an_edit_seen_during_a_request_stops_the_reloading(ref: str, live: LiveServers) -> None:
    """What the page warns of: when Bottle's reloader sees an edit while a
    request is being answered, its restart signal reaches that request, and
    wsgiref answers it as the request's own error (a 500). The server serves
    on with the old code, and its reloader, having signalled once, has
    stopped: a second save, 4 s later still, restarts nothing (an edit
    otherwise restarts it within about 3 s)."""
    context = where(SERVICE, DEBUG)

    def with_slow_route(reader: Reader) -> None:
        app_py = reader.home / "app.py"
        app_py.write_text(app_py.read_text() + SLOW)

    with live.fresh(ref, prepare=with_slow_route) as (reader, server):
        app_py = reader.home / "app.py"
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(http_get, f"{server.base_url}/slow")
            assert server.printed("answering /slow"), f"{context}: /slow was not answered:\n{server.output}"
            app_py.write_text(app_py.read_text().replace(*BROKEN))
            lost = slow.result()
        assert lost.status == 500 and "Traceback" not in lost.text, (
            f"{context}: the request answered when the reloader saw the edit gave {lost.status}: {lost.text[:200]!r}"
        )
        app_py.touch()  # saved again
        assert not restarted(server, times=2, timeout=4), (
            f"{context}: the server restarted after all; the page's warning is out of date:\n{server.output}"
        )
        assert http_get(f"{server.base_url}/square/5").status == 200, (
            f"{context}: the edited code is serving, so it did restart; the page's warning is out of date"
        )
