"""Claims of the Tornado page (docs/tornado.md) that the generic walkthrough
checks do not cover.

The page's one claim about speed is a claim about concurrency: while one
request waits out its delay, the same single-threaded server keeps serving
others. So ten requests sent at once must all finish in far less time than
ten delays one after another (under five delays; serial would be ten). That
is checked in-process with Tornado's own testing tools and against the real
`python app.py`. The rest: the WebSocket echo in-process, the open/close
messages the server prints, and the `Server stopped` line Ctrl+C prints
(tests/test_walkthroughs.py checks the loopback-only address and the clean exit).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor, wait

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.testing import AsyncHTTPTestCase, gen_test
from tornado.websocket import websocket_connect

from guide.checks import check_visit, check_websocket, where
from guide.clients import Response, http_get, import_snippet
from guide.live import LiveServers
from guide.walkthroughs import walkthrough

W = walkthrough("tornado.realtime")
SERVE = W.step("serve")
SNIPPET = W.snippet(SERVE)
CONTEXT = where(W, SERVE)
HOME, WS = SERVE.visits
CLIENT = W.step("client")
"""The page's two URLs: the delayed page and the WebSocket echo."""
REQUESTS = 10
"""Requests sent at once; one after another they would take 10 × the delay."""


def snippet():
    """The page's app.py, freshly imported (never as `__main__`)."""
    try:
        return import_snippet(SNIPPET)
    except Exception as error:
        raise AssertionError(f"{CONTEXT}: importing the snippet failed: {error!r}") from error


def limit(delay: float) -> float:
    """Under five delays for all ten: clearly not one after another."""
    return 5 * delay


def check_overlapped(elapsed: float, delay: float, what: str, context: str) -> None:
    """Ten requests that each wait `delay` took at least one delay in all (they
    did wait) but less than `limit(delay)` (they waited together)."""
    assert elapsed < limit(delay), (
        f"{context}: {REQUESTS} concurrent {what} took {elapsed:.1f}s; serial would be "
        f"{REQUESTS * delay}s and the page says they overlap (limit {limit(delay)}s)"
    )
    assert elapsed >= delay, (
        f"{context}: {REQUESTS} {what} finished in {elapsed:.2f}s, sooner than the "
        f"{delay}s delay the page shows, so they did not overlap any waiting"
    )


# --------------------------------------------------------------------------
# In-process: tornado.testing serves make_app() on an unused loopback port
# --------------------------------------------------------------------------


class TestInProcess(AsyncHTTPTestCase):
    def get_app(self):
        module = snippet()
        self.delay = module.DELAY
        return module.make_app()

    def get_http_client(self):
        # One connection per request, so the client itself never queues them.
        return AsyncHTTPClient(force_instance=True, max_clients=REQUESTS)

    def ws_url(self) -> str:
        return self.get_url(WS.path).replace("http://", "ws://", 1)

    def test_slow_requests_do_not_block_each_other(self) -> None:
        """Ten GET / at once all answer as the page says, together
        in at least one delay but well under ten; while they wait, the
        WebSocket is answered."""
        # Time enough for even a one-at-a-time server, so a failure says what happened.
        self.io_loop.run_sync(self.overlap, timeout=REQUESTS * self.delay + 10)

    async def overlap(self) -> None:
        context = f"{CONTEXT} [in-process]"
        delay = self.delay
        cutoff = limit(delay)
        start = time.monotonic()
        url = self.get_url(HOME.path)
        fetches = [
            asyncio.ensure_future(self.http_client.fetch(url, raise_error=False))
            for _ in range(REQUESTS)
        ]
        try:
            ws = await websocket_connect(self.ws_url(), connect_timeout=cutoff)
            greeting = await ws.read_message()
            ws.close()
        except (HTTPClientError, OSError) as error:
            greeting = f"<no answer: {error!r}>"
        still_waiting = sum(not f.done() for f in fetches)
        done, late = await asyncio.wait(fetches, timeout=cutoff)
        elapsed = time.monotonic() - start
        for f in late:
            f.cancel()
        assert greeting == WS.receive[0], f"{context}: WebSocket greeting {greeting!r}"
        assert not late, (
            f"{context}: only {len(done)} of {REQUESTS} concurrent GET / finished within "
            f"{cutoff}s (each waits {delay}s); they are being served one at a time"
        )
        check_overlapped(elapsed, delay, "GET /", context)
        errors = [f.exception() for f in fetches if f.exception()]
        assert not errors, f"{context}: {len(errors)} of {REQUESTS} GET / failed: {errors[0]!r}"
        for f in fetches:
            r = f.result()
            check_visit(
                Response(r.code, r.headers.get("Content-Type", ""), r.body.decode()),
                HOME,
                context,
            )
        assert still_waiting == REQUESTS, (
            f"{context}: {REQUESTS - still_waiting} of the {REQUESTS} delayed GET / had "
            f"finished before the WebSocket said hello; it was not served while they waited"
        )

    @gen_test
    async def test_websocket_echo(self) -> None:
        """The WebSocket greets, then echoes each message as the page shows."""
        ws = await websocket_connect(self.ws_url())
        received = [await ws.read_message()]
        for message in WS.send:
            await ws.write_message(message)
        for _ in WS.receive[1:]:
            received.append(await ws.read_message())
        ws.close()
        assert tuple(received) == WS.receive, (
            f"{CONTEXT} [in-process]: {WS.url} sent {list(WS.send)}, received "
            f"{received!r}, page says {list(WS.receive)!r}"
        )

    @gen_test
    async def test_client_prints_what_the_page_shows(self) -> None:
        """The page's client.py, talking to this server, prints exactly the
        lines the page shows (tests/test_walkthroughs.py runs it against the
        real server, as the page says, in a second terminal)."""
        client = import_snippet(W.source / "client.py")
        printed: list[str] = []  # the client's prints only: the server shares this process
        client.print = lambda *values: printed.append(" ".join(map(str, values)))
        await client.main(self.ws_url())
        expected = [line for command in CLIENT.commands for line in command.output]
        assert printed == expected, (
            f"{where(W, CLIENT)} [in-process]: client.py printed {printed}, page says {expected}"
        )


# --------------------------------------------------------------------------
# As the reader runs it: `python app.py` on the page's port
# --------------------------------------------------------------------------


REF = f"{W.id}.{SERVE.id}"


@pytest.mark.server
@pytest.mark.parametrize("ref", [REF])
def test_slow_requests_do_not_block_each_other_as_reader(ref: str, live: LiveServers) -> None:
    """Ten GET / at once to the real server all answer as the page says,
    together in at least one delay but well under ten."""
    context = f"{CONTEXT} [as the reader runs it]"
    delay = snippet().DELAY
    cutoff = limit(delay)
    live.server(ref)
    pool = ThreadPoolExecutor(REQUESTS)
    start = time.monotonic()
    futures = [pool.submit(http_get, HOME.url) for _ in range(REQUESTS)]
    done, late = wait(futures, timeout=cutoff)
    elapsed = time.monotonic() - start
    pool.shutdown(wait=not late, cancel_futures=True)
    assert not late, (
        f"{context}: only {len(done)} of {REQUESTS} concurrent GET {HOME.url} finished "
        f"within {cutoff}s (each waits {delay}s); they are served one at a time"
    )
    for f in futures:
        check_visit(f.result(), HOME, context)
    check_overlapped(elapsed, delay, f"GET {HOME.url}", context)


@pytest.mark.server
@pytest.mark.parametrize("ref", [REF])
def test_websocket_open_and_close_are_printed_as_reader(ref: str, live: LiveServers) -> None:
    """A real WebSocket client gets the page's messages, and the server's
    terminal shows "WebSocket opened" and then "WebSocket closed"."""
    context = f"{CONTEXT} [as the reader runs it]"
    server = live.server(ref)
    seen = len(server.lines)  # other tests may have opened WebSockets on it before
    before = {text: server.output.count(text) for text in ("WebSocket opened", "WebSocket closed")}
    check_websocket(WS, context)
    for text, count in before.items():
        assert server.printed(text, times=count + 1), (
            f"{context}: the server never printed {text!r}; it printed:\n{server.output}"
        )
    lines = server.lines[seen:]
    assert "WebSocket opened" in lines and lines.index("WebSocket opened") < lines.index("WebSocket closed"), (
        f"{context}: the server printed the close before the open:\n{server.output}"
    )


@pytest.mark.server
@pytest.mark.stops
@pytest.mark.parametrize("ref", [REF])
def test_ctrl_c_prints_server_stopped_as_reader(ref: str, live: LiveServers) -> None:
    """Ctrl+C stops the server with the short message the page shows."""
    stopped = live.stop(ref)
    assert "Server stopped" in stopped.at_the_end, (
        f"{CONTEXT} [as the reader runs it]: after Ctrl+C it printed:\n{stopped.at_the_end}"
    )
