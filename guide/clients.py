"""The in-process layer: each snippet's app inside its framework's own test
client, and the same interface over real HTTP.

A snippet is imported as a fresh module (never as `__main__`), its app found
by the serve step's `app` expression, and wrapped in the client the registry
names for its framework: Flask's test client, Starlette's `TestClient`,
WebTest (any WSGI app), Tornado's testing tools, or Django's test `Client`.
Every client answers with the same `Response`, so one check serves all seven.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import re
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from guide import django_project, registry
from guide.imports import import_file
from guide.paths import SNIPPETS
from guide.walkthroughs import Step, Walkthrough


@dataclasses.dataclass
class Response:
    """What came back, the same shape from every client. `redirects` holds
    `(status, Location)` of each redirect followed on the way, first first."""

    status: int
    content_type: str
    text: str
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    redirects: tuple[tuple[int, str], ...] = ()

    def json(self) -> Any:
        return json.loads(self.text)


class Client(Protocol):
    """A test client. `get(path)` follows redirects as a browser would;
    `request(method, path, body, headers)` sends anything and follows nothing."""

    def get(self, path: str) -> Response: ...

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response: ...


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


REDIRECTS = (301, 302, 303, 307, 308)


def _response(status: int, headers: Any, text: str, redirects: Any = ()) -> Response:
    lowered = _lower(headers)
    return Response(status, lowered.get("content-type", ""), text, lowered, tuple(redirects))


def _hops(history: Any) -> list[tuple[int, str]]:
    """`(status, Location)` of each redirect in a Werkzeug or httpx history."""
    return [(h.status_code, h.headers["location"]) for h in history]


# --------------------------------------------------------------------------
# The snippet and its app
# --------------------------------------------------------------------------


def import_snippet(path: Path) -> Any:
    """Import a snippet file as a fresh module; never as `__main__`.

    The module name is derived from the path, so two `app.py` files of two
    pages do not collide.
    """
    return import_file(path, "snippet_" + re.sub(r"\W", "_", str(path.relative_to(SNIPPETS)))[:-3])


def app_of(w: Walkthrough, step: Step) -> Any:
    """The application object of a serve step: its `app` expression, evaluated
    in the namespace of the freshly imported snippet.

    Django's settings are global to a process, which holds more than one Django
    example, so Django is configured once for the in-process layer
    (`guide.django_project`) before any Django snippet is imported.
    """
    if registry.framework_of(w).client == "django":
        django_project.setup()
    module = import_snippet(w.snippet(step))
    return eval(step.app or "app", vars(module))  # noqa: S307 - our own data


# --------------------------------------------------------------------------
# One class per kind of test client
# --------------------------------------------------------------------------


class FlaskClient:
    """Flask's own `app.test_client()`."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def get(self, path: str) -> Response:
        r = self.client.get(path, follow_redirects=True)
        return _response(r.status_code, r.headers, r.get_data(as_text=True), _hops(r.history))

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        r = self.client.open(path, method=method, data=body, headers=headers or {})
        return _response(r.status_code, r.headers, r.get_data(as_text=True))


class StarletteClient:
    """Starlette's `TestClient` (FastAPI's), errors answered rather than raised."""

    def __init__(self, app: Any) -> None:
        from starlette.testclient import TestClient

        self.client = TestClient(app, raise_server_exceptions=False)

    def get(self, path: str) -> Response:
        r = self.client.get(path)
        return _response(r.status_code, r.headers, r.text, _hops(r.history))

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        r = self.client.request(method, path, content=body, headers=headers, follow_redirects=False)
        return _response(r.status_code, r.headers, r.text)


class WebTestClient:
    """WebTest's `TestApp`, which suits any WSGI app (Pyramid, Bottle, CherryPy)."""

    def __init__(self, app: Any) -> None:
        import webtest

        self.client = webtest.TestApp(app)

    def get(self, path: str) -> Response:
        r = self.client.get(path, expect_errors=True)
        hops = []
        for _ in range(5):
            if r.status_int not in REDIRECTS:
                break
            hops.append((r.status_int, r.headers["Location"]))
            r = r.follow(expect_errors=True)
        return _response(r.status_int, r.headers, r.text, hops)

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        r = self.client.request(
            path, method=method, body=body or b"", headers=headers or {}, expect_errors=True
        )
        return _response(r.status_int, r.headers, r.text)


class TornadoClient:
    """Tornado's testing tools serve the app on an unused loopback port in a
    background event loop; its own HTTPClient makes the calls."""

    def __init__(self, app: Any) -> None:
        from tornado.testing import bind_unused_port

        sock, self.port = bind_unused_port()
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            from tornado.httpserver import HTTPServer

            self.server = HTTPServer(app)
            self.server.add_sockets([sock])
            self.loop.call_soon(ready.set)
            self.loop.run_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        ready.wait(10)

    def _fetch(self, path: str, hops: Any = (), **options: Any) -> Response:
        from tornado.httpclient import HTTPClient

        client = HTTPClient()
        try:
            r = client.fetch(f"http://127.0.0.1:{self.port}{path}", raise_error=False, **options)
        finally:
            client.close()
        return _response(r.code, r.headers, r.body.decode(errors="replace"), hops)

    def get(self, path: str) -> Response:
        from urllib.parse import urljoin, urlsplit

        hops: list[tuple[int, str]] = []
        r = self._fetch(path, follow_redirects=False)
        while r.status in REDIRECTS and len(hops) < 5:
            hops.append((r.status, r.headers["location"]))
            target = urlsplit(urljoin(path, r.headers["location"]))
            path = target.path + (f"?{target.query}" if target.query else "")
            r = self._fetch(path, hops, follow_redirects=False)
        return r

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        return self._fetch(
            path,
            method=method,
            body=body if body is not None or method not in ("POST", "PUT") else b"",
            headers=headers,
            follow_redirects=False,
            allow_nonstandard_methods=True,
        )

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.stop)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class DjangoClient:
    """Django's test `Client`, on the in-process project (`guide.django_project`).

    A single-file Django app configures Django itself with
    `settings.configure(...)`; in-process those values are applied with
    `override_settings` around each request instead (`django_project.own_settings`).
    """

    def __init__(self, module: Any = None) -> None:
        from django.test import Client as Django

        self.overrides = django_project.own_settings(module) if module else {}
        with self._settings():
            self.client = Django(raise_request_exception=False, SERVER_NAME="localhost")

    def _settings(self) -> contextlib.AbstractContextManager[Any]:
        from django.test import override_settings

        return override_settings(**self.overrides) if self.overrides else contextlib.nullcontext()

    def get(self, path: str) -> Response:
        with self._settings():
            r = self.client.get(path, follow=True)
        hops = [(status, location) for location, status in r.redirect_chain]
        return _response(r.status_code, r.headers, r.content.decode(), hops)

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        headers = dict(headers or {})
        content_type = headers.pop("Content-Type", None)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if content_type is not None:  # Django's client drops it from an empty body otherwise
            extra["CONTENT_TYPE"] = content_type
        with self._settings():
            r = self.client.generic(method, path, body or b"", **extra)
        return _response(r.status_code, r.headers, r.content.decode())


CLIENTS: dict[str, type] = {
    "flask": FlaskClient,
    "starlette": StarletteClient,
    "webtest": WebTestClient,
    "tornado": TornadoClient,
}
"""The client class for each `client` kind the registry names (Django's is built
differently: see `open_client`)."""


def open_client(w: Walkthrough, step: Step) -> Client:
    """A new test client around a serve step's app; `close()` it if it has one."""
    kind = registry.framework_of(w).client
    if kind == "django":
        django_project.setup()
        if step.app:  # a single-file app: its own module, its own settings
            return DjangoClient(import_snippet(w.snippet(step)))
        return DjangoClient()
    return CLIENTS[kind](app_of(w, step))


@contextlib.contextmanager
def client_for(w: Walkthrough, step: Step) -> Iterator[Client]:
    """The framework's own test client around a serve step's app, closed afterwards."""
    client = open_client(w, step)
    try:
        yield client
    finally:
        if hasattr(client, "close"):
            client.close()


# --------------------------------------------------------------------------
# The same interface over real HTTP
# --------------------------------------------------------------------------


@functools.cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def loopback_client(base_url: str = "", **options: Any) -> Any:
    """An httpx client for the servers the checks start on loopback (10 s
    timeout). httpx builds a TLS context for every client, reading the CA
    bundle each time (28 ms, hundreds of times a run), though these speak
    plain HTTP: every client here shares one, built once per process."""
    import httpx2

    return httpx2.Client(base_url=base_url, timeout=10, verify=_tls(), **options)


def http_get(url: str) -> Response:
    """GET a URL over real HTTP, following redirects like a browser."""
    with loopback_client() as client:
        r = client.get(url, follow_redirects=True)
    return _response(r.status_code, r.headers, r.text, _hops(r.history))


class HTTPClient:
    """The same interface as the test clients, over real HTTP to `base_url`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.client = loopback_client(base_url)

    def get(self, path: str) -> Response:
        r = self.client.get(path, follow_redirects=True)
        return _response(r.status_code, r.headers, r.text, _hops(r.history))

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        r = self.client.request(method, path, content=body, headers=headers)
        return _response(r.status_code, r.headers, r.text)

    def close(self) -> None:
        self.client.close()
