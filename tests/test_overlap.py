"""One server process, two requests: which servers answer a second request
while a first one waits, as the pages say.

- docs/fastapi.md: while an `async def` endpoint waits with `await`, the same
  process goes on serving other requests; a plain `def` endpoint overlaps too,
  in the thread pool FastAPI runs it in.
- Django under ASGI (the Performance page's uvicorn row, the feature matrix's
  async cell): an `async def` view waits without holding the process.
- docs/pyramid.md: `wsgiref` handles one request at a time; waitress, the
  production server the page recommends, does not.

Overlap is shown without a clock. `/wait` notes that it has arrived, then
waits for `/release`; `/release` waits until `/wait` has arrived, then
releases it. Both are sent at once, in either order. On a server that handles
them together, `/wait` answers "released" and `/release` "ok". On a server
that handles one at a time, whichever comes first gives up after
`GIVE_UP` seconds: `/wait` answers "timed out", or `/release` "nobody was
waiting". Only a serial server waits at all; an overlapping one answers at once.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from guide.clients import loopback_client
from guide.processes import Server, free_port
from guide.walkthroughs import Command

GIVE_UP = 1.0
"""Seconds either request waits for the other before it gives up."""

ASYNC_FASTAPI = """
import asyncio
from fastapi import FastAPI

app = FastAPI()
arrived, released = asyncio.Event(), asyncio.Event()

@app.get("/wait")
async def wait() -> str:
    arrived.set()
    try:
        await asyncio.wait_for(released.wait(), GIVE_UP)
    except TimeoutError:
        return "timed out"
    return "released"

@app.get("/release")
async def release() -> str:
    try:
        await asyncio.wait_for(arrived.wait(), GIVE_UP)
    except TimeoutError:
        return "nobody was waiting"
    released.set()
    return "ok"
"""

BLOCKING_ASYNC_FASTAPI = ASYNC_FASTAPI.replace(
    "await asyncio.wait_for(released.wait(), GIVE_UP)",
    "time.sleep(GIVE_UP); raise TimeoutError  # blocks the event loop",
).replace("import asyncio", "import asyncio, time")
"""The mistake the pages warn about: a blocking call inside `async def` holds
the event loop, so nothing else is served until it returns."""

THREADED_FASTAPI = """
import threading
from fastapi import FastAPI

app = FastAPI()
arrived, released = threading.Event(), threading.Event()

@app.get("/wait")
def wait() -> str:
    arrived.set()
    return "released" if released.wait(GIVE_UP) else "timed out"

@app.get("/release")
def release() -> str:
    if not arrived.wait(GIVE_UP):
        return "nobody was waiting"
    released.set()
    return "ok"
"""

ASYNC_DJANGO = """
import asyncio
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(ALLOWED_HOSTS=["127.0.0.1"], ROOT_URLCONF=__name__, SECRET_KEY="overlap-test-only")
arrived, released = asyncio.Event(), asyncio.Event()

async def wait(request):
    arrived.set()
    try:
        await asyncio.wait_for(released.wait(), GIVE_UP)
    except TimeoutError:
        return HttpResponse("timed out")
    return HttpResponse("released")

async def release(request):
    try:
        await asyncio.wait_for(arrived.wait(), GIVE_UP)
    except TimeoutError:
        return HttpResponse("nobody was waiting")
    released.set()
    return HttpResponse("ok")

urlpatterns = [path("wait", wait), path("release", release)]
application = get_asgi_application()
"""

PYRAMID = """
import sys, threading
from pyramid.config import Configurator
from pyramid.response import Response

arrived, released = threading.Event(), threading.Event()

def wait(request):
    arrived.set()
    return Response("released" if released.wait(GIVE_UP) else "timed out")

def release(request):
    if not arrived.wait(GIVE_UP):
        return Response("nobody was waiting")
    released.set()
    return Response("ok")

def make_app():
    with Configurator() as config:
        config.add_route("wait", "/wait")
        config.add_route("release", "/release")
        config.add_view(wait, route_name="wait")
        config.add_view(release, route_name="release")
        return config.make_wsgi_app()

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    server = make_server("127.0.0.1", int(sys.argv[1]), make_app())
    print("Serving", flush=True)
    server.serve_forever()
"""
"""The Pyramid page's way of serving with `wsgiref` (`make_server(...).serve_forever()`)."""


@dataclasses.dataclass(frozen=True)
class Row:
    """A server, the app it runs, and whether it overlaps the two requests."""

    id: str
    source: str
    command: str
    """`{port}` is filled in with a free port."""
    overlaps: bool


ROWS = [
    Row("fastapi-async-def-uvicorn", ASYNC_FASTAPI, "uvicorn app:app --port {port}", True),
    Row("fastapi-def-uvicorn", THREADED_FASTAPI, "uvicorn app:app --port {port}", True),
    Row("fastapi-blocking-async-def-uvicorn", BLOCKING_ASYNC_FASTAPI, "uvicorn app:app --port {port}", False),
    Row("django-async-view-uvicorn", ASYNC_DJANGO, "uvicorn app:application --port {port}", True),
    Row("pyramid-wsgiref", PYRAMID, "python app.py {port}", False),
    Row("pyramid-waitress", PYRAMID, "waitress-serve --listen=127.0.0.1:{port} --call app:make_app", True),
]


def both_at_once(base_url: str) -> dict[str, str]:
    """Send /wait and /release at the same moment, from two threads; return
    what each answered."""
    answers: dict[str, str] = {}
    start = threading.Barrier(2)

    def send(path: str) -> None:
        start.wait()
        with loopback_client(base_url) as client:
            answers[path] = client.get(path).text.strip('"')

    threads = [threading.Thread(target=send, args=(path,)) for path in ("/wait", "/release")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.server
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_a_second_request_while_one_waits(row: Row, tmp_path: Path) -> None:
    """The server answers both requests together, or, for a server that
    handles one at a time, one of them gives up waiting for the other."""
    (tmp_path / "app.py").write_text(row.source.replace("GIVE_UP", repr(GIVE_UP)))
    port = free_port()
    command = Command(row.command.format(port=port))
    with Server(command, port, tmp_path, f"{row.id}: {command.line}") as server:
        answers = both_at_once(server.base_url)
    together = {"/wait": "released", "/release": "ok"}
    if row.overlaps:
        assert answers == together, f"{row.id}: one at a time, not together: {answers}"
    else:
        assert answers != together and (
            answers["/wait"] == "timed out" or answers["/release"] == "nobody was waiting"
        ), f"{row.id}: expected one request at a time, got {answers}"
