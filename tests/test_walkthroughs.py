"""Every walkthrough on every page, checked twice.

In-process, each serve step's app is called through its framework's own test
client at every URL the page names. As the reader, the page's commands are
typed in a temporary folder, its server started by the page's command on the
page's port, and the same URLs opened over real HTTP. Both layers also feed
every endpoint bad input and expect a polite answer.
"""

from __future__ import annotations

import html
import subprocess
from pathlib import Path

import httpx2
import pytest

from guide.checks import (
    HTML_PAYLOADS,
    bad_urls,
    check_polite,
    check_visit,
    markup_problems,
    where,
)
from guide.clients import HTTPClient, Response, client_for
from guide.live import LiveServers
from guide.processes import listening_addresses, reader_env
from guide.reader import COMMAND_TIMEOUT, Reader, visit_live
from guide.walkthroughs import Command, Step, Visit, Walkthrough, venv, walkthroughs
from guide.walkthroughs import _load as load_walkthroughs

WALKTHROUGHS = walkthroughs()
SERVES = [(w, s) for w in WALKTHROUGHS for s in w.servers]


def serve_params() -> list:
    return [pytest.param(w, s, id=f"{w.id}.{s.id}") for w, s in SERVES]


@pytest.mark.parametrize(("w", "step"), serve_params())
def test_in_process(w: Walkthrough, step: Step) -> None:
    """Each URL the page names answers as the page says, through the test client."""
    context = where(w, step) + " [in-process]"
    with client_for(w, step) as client:
        for visit in step.visits:
            if not visit.is_websocket:
                check_visit(client.get(visit.path), visit, context)


@pytest.mark.parametrize(("w", "step"), serve_params())
def test_bad_input_in_process(w: Walkthrough, step: Step) -> None:
    """Malformed, huge, non-ASCII and HTML input (element, attribute, event
    handler, entities): never a 5xx or a traceback, never markup made of it."""
    context = where(w, step) + " [in-process]"
    with client_for(w, step) as client:
        for visit in step.visits:
            if visit.is_websocket:
                continue
            for kind, path in bad_urls(visit):
                check_polite(client.get(path), f"{context}: GET {path[:80]} ({kind})", kind)


INSTALLS = [
    pytest.param(w, step, command, id=f"install:{w.id}.{step.id}")
    for w in WALKTHROUGHS for step in w.steps for command in step.commands
    if command.line.split()[1:4] == ["-m", "pip", "install"]
]


@pytest.mark.deep
@pytest.mark.parametrize(("w", "step", "command"), INSTALLS)
def test_install_line(w: Walkthrough, step: Step, command: Command, tmp_path: Path) -> None:
    """Each `pip install` line the page shows, typed as the reader types it (pip
    offline: it passes only if what it names is installed here)."""
    Reader(w, tmp_path).run(command, where(w, step))


@pytest.mark.server
@pytest.mark.parametrize(("w", "step"), serve_params())
def test_as_reader(w: Walkthrough, step: Step, live: LiveServers) -> None:
    """The page's commands, typed in an empty folder; its server, started with
    the page's command on the page's port, listening on the loopback address
    only; its URLs, over real HTTP, answering as the page says, and bad input
    answered politely."""
    server = live.server(f"{w.id}.{step.id}")
    context = where(w, step) + " [as the reader runs it]"
    listening = listening_addresses(server.port)
    assert listening == {"127.0.0.1"}, (
        f"{context}: port {server.port} listens on {sorted(listening)}; other machines "
        "can reach it. Bind to 127.0.0.1."
    )
    for visit in step.visits:
        try:
            visit_live(visit, context)
        except httpx2.TransportError as error:  # what the server printed says why
            state = "running" if server.returncode is None else f"exited with {server.returncode}"
            raise AssertionError(
                f"{context}: {visit.url} gave no answer ({error!r}); the server is {state} and printed:\n"
                f"{server.output}"
            ) from error
    # One client for all the bad input: a new one per request costs more than the request.
    client = HTTPClient(server.base_url)
    try:
        for visit in step.visits:
            for kind, path in [] if visit.is_websocket else bad_urls(visit):
                check_polite(client.get(path), f"{context}: GET {path[:80]} ({kind})", kind)
    finally:
        client.close()


BESIDE = [pytest.param(w, s, id=f"{w.id}.{s.id}") for w, s in SERVES if w.beside(s)]


@pytest.mark.server
@pytest.mark.parametrize(("w", "step"), BESIDE)
def test_beside_the_server(w: Walkthrough, step: Step, live: LiveServers) -> None:
    """What the page runs in a second terminal while this server is up (a
    client that talks to it) prints what the page shows. Its own server: a
    client may change what the server holds."""
    with live.fresh(f"{w.id}.{step.id}") as (reader, _server):
        for beside in w.beside(step):
            reader.do(beside)


@pytest.mark.server
@pytest.mark.stops
@pytest.mark.parametrize(("w", "step"), serve_params())
def test_ctrl_c_stops_it_cleanly(w: Walkthrough, step: Step, live: LiveServers) -> None:
    """Ctrl-C ends the page's server with exit code 0 and no traceback, as a reader expects."""
    stopped = live.stop(f"{w.id}.{step.id}")
    assert stopped.clean, (
        f"{where(w, step)} [as the reader runs it]: Ctrl-C ended `{stopped.command}` with exit code "
        f"{stopped.returncode}:\n{stopped.at_the_end[-2000:]}"
    )


CARELESS_PAGES = {
    "echoed as is": lambda sent: f"<p>Hello, {sent}!</p>",
    "echoed into a quoted attribute": lambda sent: f"<p title='{html.escape(sent, quote=False)}'>Hello</p>",
    "decoded, then echoed": lambda sent: f"<p>Hello, {html.unescape(sent)}!</p>",
}
"""Three ways a page echoes a visitor's text without escaping it properly."""


@pytest.mark.parametrize("kind", HTML_PAYLOADS)
def test_the_markup_check_catches_each_payload(kind: str) -> None:
    """The check can fail: each payload is caught on at least one careless
    page, and never on a page that escapes it with `html.escape`."""
    sent = HTML_PAYLOADS[kind]
    caught = {name: markup_problems(page(sent), sent) for name, page in CARELESS_PAGES.items()}
    assert any(caught.values()), f"the {kind} payload {sent!r} is caught on no careless page"
    escaped = f"<p title='{html.escape(sent)}'>Hello, {html.escape(sent)}!</p>"
    assert markup_problems(escaped, sent) == [], f"{kind}: an escaped page was flagged"


def test_virtual_environment(tmp_path: Path) -> None:
    """The block every framework page opens with, typed as a reader types it:
    its Linux and macOS lines in one shell, in an empty folder. In that shell,
    `python` is then the new environment's own, so `pip install` installs into
    it, and `deactivate` ends it, as the block's sentences say."""
    lines = venv().posix
    probes = [
        'echo "python=$(command -v python)"',
        "echo \"prefix=$(python -c 'import sys; print(sys.prefix)')\"",
        'echo "pip=$(python -m pip --version)"',
        "deactivate",
        'echo "after=$(command -v python)"',
    ]
    done = subprocess.run(
        ["bash", "-e", "-c", "\n".join([*lines, *probes])],
        cwd=tmp_path, env=reader_env(), capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
    )
    assert done.returncode == 0, f"snippets/venv.yml: the block exited {done.returncode}:\n{done.stderr}"
    seen = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    env = tmp_path / ".venv"
    assert seen.get("python") == str(env / "bin" / "python"), f"after activating, python is {seen}"
    assert seen.get("prefix") == str(env), f"after activating, python runs in {seen.get('prefix')}"
    assert f"from {env}/" in seen.get("pip", ""), f"after activating, pip is {seen.get('pip')}"
    assert seen.get("after") != str(env / "bin" / "python"), "deactivate left the environment active"


# --------------------------------------------------------------------------
# What the check of one URL holds a page to, on answers made up for it
# --------------------------------------------------------------------------


def test_a_redirect_is_checked_and_must_be_named() -> None:
    """A URL that answers with a redirect must say so, with its status and
    target; one that names a redirect must get exactly that one."""
    login = Response(200, "text/html", "<title>Log in</title>", redirects=((302, "/login/"),))
    with pytest.raises(AssertionError, match=r"it redirects \(302 to '/login/'\); the page does not say so"):
        check_visit(login, Visit("http://x/admin/"), "page")
    named = Visit("http://x/admin/", redirect_status=302, redirects_to="/login/")
    check_visit(login, named, "page")
    with pytest.raises(AssertionError, match=r"page says a 301 redirect to '/login/'"):
        check_visit(login, Visit("http://x/admin/", redirect_status=301, redirects_to="/login/"), "page")
    with pytest.raises(AssertionError, match="first answer not a redirect"):
        check_visit(Response(200, "text/html", "<title>Log in</title>"), named, "page")


def test_html_the_page_shows_is_what_a_browser_shows() -> None:
    """`contains` of an HTML answer is its source and, decoded, its visible
    text; `source_contains` is only its source."""
    page = '<p>Not found: &#039;/x&#039;</p><script src="https://cdn.example/ui.js"></script>'
    answer = Response(404, "text/html", page)
    html_visit = {"url": "http://x/x", "status": 404, "content_type": "text/html"}
    check_visit(answer, Visit(**html_visit, contains=("Not found: &#039;/x&#039;",)), "page")
    check_visit(answer, Visit(**html_visit, source_contains=("cdn.example/ui.js",)), "page")
    with pytest.raises(AssertionError, match="a browser does not show 'cdn.example/ui.js'"):
        check_visit(answer, Visit(**html_visit, contains=("cdn.example/ui.js",)), "page")


def test_a_step_beside_a_server_directly_follows_it(tmp_path: Path) -> None:
    """A client step (`while_serving`) must come right after the server it
    talks to, or after other steps beside that server."""
    data = tmp_path / "walkthroughs.yml"
    data.write_text(
        "w:\n  steps:\n"
        "    - {id: serve, serve: python app.py, port: 1}\n"
        "    - {copy: client.py}\n"
        "    - {run: python client.py, while_serving: serve}\n"
    )
    with pytest.raises(ValueError, match="'step-3' runs while 'serve' serves, but it does not directly follow"):
        load_walkthroughs(data, 0)
    data.write_text(data.read_text().replace("{copy: client.py}", "{copy: client.py, while_serving: serve}"))
    assert [s.while_serving for s in load_walkthroughs(data, 1)[0].steps] == [None, "serve", "serve"]
