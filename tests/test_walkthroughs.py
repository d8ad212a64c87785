"""Every walkthrough on every page, checked twice.

In-process, each serve step's app is called through its framework's own test
client at every URL the page names. As the reader, the page's commands are
typed in a temporary folder, its server started by the page's command on the
page's port, and the same URLs opened over real HTTP. Both layers also feed
every endpoint bad input and expect a polite answer.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from guide.checks import (
    HTML_PAYLOADS,
    bad_urls,
    check_polite,
    check_visit,
    markup_problems,
    where,
)
from guide.clients import HTTPClient, client_for
from guide.live import LiveServers
from guide.processes import listening_addresses
from guide.reader import Reader, visit_live
from guide.walkthroughs import Command, Step, Walkthrough, walkthroughs

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
        visit_live(visit, context)
    # One client for all the bad input: a new one per request costs more than the request.
    client = HTTPClient(server.base_url)
    try:
        for visit in step.visits:
            for kind, path in [] if visit.is_websocket else bad_urls(visit):
                check_polite(client.get(path), f"{context}: GET {path[:80]} ({kind})", kind)
    finally:
        client.close()


@pytest.mark.server
@pytest.mark.stops
@pytest.mark.parametrize(("w", "step"), serve_params())
def test_ctrl_c_stops_it_cleanly(w: Walkthrough, step: Step, live: LiveServers) -> None:
    """Ctrl-C ends the page's server with exit code 0 and no traceback, as a reader expects."""
    stopped = live.stop(f"{w.id}.{step.id}")
    assert stopped.clean, (
        f"{where(w, step)} [as the reader runs it]: Ctrl-C ended `{stopped.command}` with exit code "
        f"{stopped.returncode}:\n{stopped.output[-2000:]}"
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
