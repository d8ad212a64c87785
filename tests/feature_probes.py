"""Every feature-matrix cell of one framework, tried in a clean environment.

`tests/test_features.py` runs this file as

    python -I -S tests/feature_probes.py SITE FRAMEWORK DIST COLUMN...

with the framework's registry key and distribution, where SITE is a folder that holds the framework's own distributions and
nothing else (plus, for a cell that names what it `needs`, those
distributions). Isolated mode without the `site` module leaves the standard
library and SITE as everything the import system and `importlib.metadata`
can see: nothing another framework installed can make a cell pass.

Each probe tries one feature the way a reader would and returns
`(works, shown)`: True and what came back, or False and the answer that
shows the feature is missing. A probe that meets anything else raises, and
the error is reported as it is. Prints one JSON object:
`{"seen": [distributions], COLUMN: {"works": ..., "shown": ...}, ...}`.

Only the standard library is imported at the top: each probe imports its
framework itself.
"""

import asyncio
import gc
import importlib
import importlib.util
import io
import json
import re
import sys
import tempfile
import traceback
import types
import unittest
import warnings
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

BOUND = 10.0
"""Seconds a request waiting on another gives up after: a guard against a
hang, not a measure; the overlap check reads the answers, never the time."""
HANDSHAKE = {
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
}
"""The request that opens a WebSocket (RFC 6455's sample key)."""
ORMS = ["sqlalchemy", "sqlmodel", "peewee", "pony", "tortoise", "mongoengine", "django.db"]
"""The database layers a reader adds to a framework that has none."""
ENGINES = ["jinja2", "mako", "chameleon", "genshi"]
"""The template engines a reader adds to a framework that has none."""
DIST: dict[str, str] = {}
"""The framework's distribution (from the command line), which is also its
top-level module."""


# --------------------------------------------------------------------------
# Talking to an app without a test client: raw WSGI and ASGI calls
# --------------------------------------------------------------------------


def wsgi(app: Callable[..., Any], path: str, method: str = "GET", body: bytes = b"",
         headers: dict[str, str] | None = None) -> tuple[int, str]:
    """One request through a WSGI app: its status and body."""
    path, _, query = path.partition("?")
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
                               "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    if body:
        environ["CONTENT_TYPE"] = "application/json"
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    setup_testing_defaults(environ)
    status: list[str] = []
    chunks = app(environ, lambda s, h, exc_info=None: status.append(s))
    try:
        text = b"".join(chunks).decode("utf-8", "replace")
    finally:
        getattr(chunks, "close", lambda: None)()
    return int(status[0].split()[0]), text


async def asgi(app: Callable[..., Any], path: str, method: str = "GET", body: bytes = b"") -> tuple[int, str]:
    """One HTTP request through an ASGI app: its status and body. The
    request stays connected until the answer is complete."""
    answered = asyncio.Event()
    sent = False
    out: dict[str, Any] = {"status": 0, "body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")
            if not message.get("more_body"):
                answered.set()

    headers = [(b"host", b"testserver")]
    if body:
        headers.append((b"content-type", b"application/json"))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000),
             "server": ("testserver", 80)}
    await app(scope, receive, send)
    return out["status"], out["body"].decode("utf-8", "replace")


async def asgi_websocket(app: Callable[..., Any], path: str, text: str) -> list[dict[str, Any]]:
    """Open a WebSocket on an ASGI app, send one message, close: what the app sent."""
    incoming = [{"type": "websocket.connect"}, {"type": "websocket.receive", "text": text}]
    sent: list[dict[str, Any]] = []
    closed = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop(0)
        await closed.wait()
        return {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "websocket.close":
            closed.set()

    scope = {"type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws", "path": path,
             "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": [],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "subprotocols": []}
    await app(scope, receive, send)
    return sent


class Meeting:
    """Two requests that must be in flight at once: `/wait` waits for
    `/release`, and `/release` for a request that is waiting. Both answer
    "released" only if the app served them side by side; an app that
    serves one request at a time lets both run into BOUND instead."""

    def __init__(self) -> None:
        self.waiting = asyncio.Event()
        self.released = asyncio.Event()

    async def wait(self) -> str:
        self.waiting.set()
        try:
            await asyncio.wait_for(self.released.wait(), BOUND)
        except TimeoutError:
            return "timed out"
        return "released"

    async def release(self) -> str:
        try:
            await asyncio.wait_for(self.waiting.wait(), BOUND)
        except TimeoutError:
            return "nobody was waiting"
        self.released.set()
        return "released"


async def meet(get: Callable[[str], Any]) -> tuple[bool, str]:
    """Send `/wait`, then `/release` without waiting for the first answer."""
    first = asyncio.ensure_future(get("/wait"))
    second = await get("/release")
    waited = await first
    shown = f"/wait answered {waited!r}, /release answered {second!r}"
    return waited == "released" and second == "released", shown


def answers(status: int, text: str) -> str:
    return f"{status} {text.strip()[:120]!r}"


ROUTED = ("/items/7", "/items/seven", "/nope")
"""What every routing check asks for: an item by number, a number its route
does not accept, a path no route matches."""


def routed(got: list[tuple[int, str]], refused: int = 404) -> tuple[bool, str]:
    """The answers to ROUTED: `item 7` from the route, `seven` turned away
    with `refused`, a 404."""
    item, seven, none = got
    shown = f"/items/7: {answers(*item)}, /items/seven: {seven[0]}, /nope: {none[0]}"
    return (item, seven[0], none[0]) == ((200, "item 7"), refused, 404), shown


# --------------------------------------------------------------------------
# Showing an absence
# --------------------------------------------------------------------------


def own_files(fw: str) -> list[str]:
    """The Python files of the framework's own distribution."""
    return [str(f) for f in metadata.distribution(DIST[fw]).files or [] if f.suffix == ".py" and f.parts[0] != ".."]


def mentions(fw: str, word: str) -> list[str]:
    """The framework's own Python files that contain `word`, any case."""
    dist = metadata.distribution(DIST[fw])
    return [f for f in own_files(fw) if word in Path(str(dist.locate_file(f))).read_text(errors="replace").lower()]


def ships(fw: str, pattern: str) -> list[str]:
    """The framework's own modules, and the names its top-level module offers,
    that match `pattern` (any case)."""
    found = [f for f in own_files(fw) if re.search(pattern, f, re.IGNORECASE)]
    module = importlib.import_module(DIST[fw])
    return found + [n for n in dir(module) if re.search(pattern, n, re.IGNORECASE)]


def importable(names: list[str]) -> list[str]:
    """Which of these modules this environment can import."""
    found = []
    for name in names:
        try:
            if importlib.util.find_spec(name) is not None:
                found.append(name)
        except ModuleNotFoundError:  # the parent package is missing
            continue
    return found


def no_orm(fw: str) -> tuple[bool, str]:
    found = importable(ORMS) + ships(fw, r"(^|/)(db|orm|admin|database)(/|\.py$|$)")
    if found:
        return True, f"found {found}"
    return False, f"none of {ORMS} can be imported, and {fw} ships no db, orm, database or admin module"


def no_engine(fw: str) -> tuple[bool, str]:
    found = importable(ENGINES) + ships(fw, "templat")
    if found:
        return True, f"found {found}"
    return False, f"none of {ENGINES} can be imported, and {fw} ships no template module"


DOCS = ("/openapi.json", "/docs")
"""Where FastAPI serves its schema and its docs page."""


def no_openapi(fw: str, got: list[tuple[int, str]]) -> tuple[bool, str]:
    """A small app of the framework, asked for DOCS, serves no schema and no
    docs page, and the framework's own code never mentions OpenAPI."""
    schema, docs = got
    found = mentions(fw, "openapi")
    if schema[0] != 404 or docs[0] != 404 or found:
        return True, f"/openapi.json {schema[0]}, /docs {docs[0]}, mentioned in {found}"
    return False, "/openapi.json and /docs answer 404, and its code never mentions OpenAPI"


def no_websocket(fw: str, app: Callable[..., Any]) -> tuple[bool, str]:
    """A WebSocket handshake to a WSGI app comes back as an ordinary answer
    (WSGI cannot hand the connection over), and the framework's own code
    never mentions WebSockets."""
    status, text = wsgi(app, "/ws", headers=HANDSHAKE)
    found = mentions(fw, "websocket")
    if status == 101 or found:
        return True, f"the handshake got {status}; mentioned in {found}"
    return False, f"the handshake got {answers(status, text)}, and its code never mentions WebSockets"


def unvalidated(fw: str, seen: Any) -> tuple[bool, str]:
    """The wrong type reached the view untouched, and the framework offers
    nothing named after validation."""
    found = ships(fw, "valid")
    if seen != {"id": "abc"} or found:
        return True, f"the view saw {seen!r}; {fw} ships {found}"
    return False, "the view got {'id': 'abc'} as sent, and it ships nothing named after validation"


def not_awaited(run: Callable[[Callable[..., Any]], str]) -> tuple[bool, str]:
    """An `async def` view: where the framework calls it but never awaits
    what it returns, its body never runs."""
    ran: list[bool] = []

    async def view(*args: Any, **kwargs: Any) -> str:
        await asyncio.sleep(0)
        ran.append(True)
        return "ran"

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)  # "coroutine ... was never awaited"
        shown = run(view)
        called = False
        for left in gc.get_objects():  # a coroutine the framework kept but never awaited
            if type(left) is types.CoroutineType and left.cr_code is view.__code__:
                called = True
                left.close()
        gc.collect()
    called = called or any(view.__qualname__ in str(w.message) for w in caught)
    if ran:
        return True, f"the body ran; the answer was {shown[:120]!r}"
    if not called:
        raise AssertionError(f"the view was never called; the answer was {shown[:200]!r}")
    return False, f"called, never awaited: the body never ran; the answer was {shown.strip()[:120]!r}"


def unit_test(case: type[unittest.TestCase]) -> tuple[bool, str]:
    """Run one test case class with unittest: passed, and what it printed."""
    out = io.StringIO()
    result = unittest.TextTestRunner(stream=out, verbosity=0).run(unittest.defaultTestLoader.loadTestsFromTestCase(case))
    return result.wasSuccessful() and result.testsRun > 0, out.getvalue().strip().splitlines()[-1]


# --------------------------------------------------------------------------
# Django
# --------------------------------------------------------------------------


def django_setup() -> Any:
    """Django configured in one `settings.configure(...)`: the apps,
    middleware and templates its admin needs, SQLite in memory, and one
    URLconf for every probe: `/items/<int:id>`, `/wait`, `/release`,
    `/admin/`, `/`."""
    import django
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import path

    if settings.configured:
        return sys.modules["probe_urls"]
    meeting = Meeting()

    async def wait(request: Any) -> HttpResponse:
        return HttpResponse(await meeting.wait())

    async def release(request: Any) -> HttpResponse:
        return HttpResponse(await meeting.release())

    urls = types.ModuleType("probe_urls")
    sys.modules["probe_urls"] = urls
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("items/<int:item_id>", lambda request, item_id: HttpResponse(f"item {item_id}")),
        path("wait", wait),
        path("release", release),
        path("", lambda request: HttpResponse("hi")),
    ]
    settings.configure(
        SECRET_KEY="clean-environment-probe",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF="probe_urls",
        INSTALLED_APPS=["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
                        "django.contrib.sessions", "django.contrib.messages"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware",
                    "django.contrib.messages.middleware.MessageMiddleware"],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
                    "OPTIONS": {"context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages"]}}],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()
    from django.contrib import admin

    urls.urlpatterns.append(path("admin/", admin.site.urls))  # type: ignore[attr-defined]
    return urls


def django_routing() -> tuple[bool, str]:
    django_setup()
    from django.test import Client

    client = Client()
    return routed([(r.status_code, r.content.decode()) for r in map(client.get, ROUTED)])


def django_templates() -> tuple[bool, str]:
    django_setup()
    from django.template import Context, Engine

    shown = Engine().from_string("Hi {{ name }}").render(Context({"name": "<b>"}))
    return shown == "Hi &lt;b&gt;", repr(shown)


def django_orm_admin() -> tuple[bool, str]:
    django_setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    User.objects.create_user("ada", password="not-a-secret")
    stored = User.objects.filter(username="ada").count()
    login = Client().get("/admin/login/")
    titled = b"Django administration" in login.content
    shown = f"{stored} user stored and found; /admin/login/ {login.status_code}, {'' if titled else 'not '}the admin's page"
    return stored == 1 and login.status_code == 200 and titled, shown


def django_async() -> tuple[bool, str]:
    django_setup()
    from django.core.handlers.asgi import ASGIHandler

    handler = ASGIHandler()

    async def get(path: str) -> str:
        return (await asgi(handler, path))[1]

    return asyncio.run(meet(get))


def django_websocket() -> tuple[bool, str]:
    django_setup()
    from django.core.handlers.asgi import ASGIHandler

    try:
        sent = asyncio.run(asgi_websocket(ASGIHandler(), "/ws", "hi"))
    except ValueError as error:
        if "not websocket" in str(error):
            return False, f"its ASGI handler refuses the connection: {error}"
        raise
    return True, f"the handler answered {sent}"


def django_validation() -> tuple[bool, str]:
    django_setup()
    from django import forms

    form = type("ItemForm", (forms.Form,), {"id": forms.IntegerField(min_value=1)})
    bad, good = form({"id": "abc"}), form({"id": "4"})
    shown = f"id 'abc' refused ({bad.errors.get('id')}), id '4' accepted as {good.is_valid() and good.cleaned_data}"
    return not bad.is_valid() and good.is_valid() and good.cleaned_data == {"id": 4}, shown


def django_openapi() -> tuple[bool, str]:
    django_setup()
    from django.test import Client

    client = Client()
    return no_openapi("django", [(r.status_code, r.content.decode()) for r in map(client.get, DOCS)])


def django_testing() -> tuple[bool, str]:
    django_setup()
    from django.test import Client

    answer = Client().get("/")
    return (answer.status_code, answer.content) == (200, b"hi"), f"django.test.Client: {answers(answer.status_code, answer.content.decode())}"


# --------------------------------------------------------------------------
# Flask
# --------------------------------------------------------------------------


def flask_app() -> Any:
    from flask import Flask, request

    app = Flask("probe")

    @app.get("/items/<int:item_id>")
    def item(item_id: int) -> str:
        return f"item {item_id}"

    @app.post("/items")
    def post() -> str:
        return json.dumps(request.get_json())

    @app.get("/ws")
    def ws() -> str:
        return "plain"

    @app.get("/")
    def hello() -> str:
        return "hi"

    return app


def flask_routing() -> tuple[bool, str]:
    app = flask_app()
    return routed([wsgi(app, path) for path in ROUTED])


def flask_templates() -> tuple[bool, str]:
    from flask import render_template_string

    with flask_app().app_context():
        shown = render_template_string("Hi {{ name }}", name="<b>")
    return shown == "Hi &lt;b&gt;", repr(shown)


def flask_orm_admin() -> tuple[bool, str]:
    return no_orm("flask")


def flask_async() -> tuple[bool, str]:
    """Flask calls an `async def` view only with asgiref installed (its
    `async` extra): each request runs its view to the end inside the WSGI call."""
    app = flask_app()
    app.testing = True  # the error comes out of the call, not as a bare 500

    @app.get("/run")
    async def run() -> str:
        await asyncio.sleep(0)
        return "ran"

    try:
        answer = wsgi(app, "/run")
    except RuntimeError as error:
        if "'async' extra" in str(error):
            return False, f"the view fails: {error}"
        raise
    return answer == (200, "ran"), f"the WSGI call answered {answer}"


def flask_websocket() -> tuple[bool, str]:
    return no_websocket("flask", flask_app())


def flask_validation() -> tuple[bool, str]:
    status, text = wsgi(flask_app(), "/items", "POST", b'{"id": "abc"}')
    return unvalidated("flask", json.loads(text) if status == 200 else text)


def flask_openapi() -> tuple[bool, str]:
    app = flask_app()
    return no_openapi("flask", [wsgi(app, path) for path in DOCS])


def flask_testing() -> tuple[bool, str]:
    answer = flask_app().test_client().get("/")
    return (answer.status_code, answer.text) == (200, "hi"), f"app.test_client(): {answers(answer.status_code, answer.text)}"


# --------------------------------------------------------------------------
# FastAPI
# --------------------------------------------------------------------------


def fastapi_app() -> Any:
    from fastapi import FastAPI, WebSocket
    from fastapi.responses import PlainTextResponse
    from pydantic import BaseModel

    class Item(BaseModel):
        id: int

    app = FastAPI()
    meeting = Meeting()
    @app.get("/items/{item_id}", response_class=PlainTextResponse)
    def item(item_id: int) -> str:
        return f"item {item_id}"

    @app.post("/items")
    def create(body: Item) -> Item:
        return body

    @app.get("/wait", response_class=PlainTextResponse)
    async def wait() -> str:
        return await meeting.wait()

    @app.get("/release", response_class=PlainTextResponse)
    async def release() -> str:
        return await meeting.release()

    @app.get("/", response_class=PlainTextResponse)
    def hello() -> str:
        return "hi"

    @app.websocket("/ws")
    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("echo: " + await ws.receive_text())
        await ws.close()

    return app


def fastapi_routing() -> tuple[bool, str]:
    app = fastapi_app()
    return routed([asyncio.run(asgi(app, path)) for path in ROUTED], refused=422)


def fastapi_templates() -> tuple[bool, str]:
    try:
        from fastapi.templating import Jinja2Templates
    except ImportError as error:
        if "jinja2" in str(error):
            return False, f"fastapi.templating fails: {error}"
        raise
    import jinja2
    from fastapi import Request

    templates = Jinja2Templates(env=jinja2.Environment(
        loader=jinja2.DictLoader({"hi.html": "Hi {{ name }}"}), autoescape=True))
    app = fastapi_app()

    @app.get("/hi")
    def hi(request: Request) -> Any:
        return templates.TemplateResponse(request, "hi.html", {"name": "<b>"})

    status, text = asyncio.run(asgi(app, "/hi"))
    return (status, text) == (200, "Hi &lt;b&gt;"), f"Jinja2Templates: {answers(status, text)}"


def fastapi_orm_admin() -> tuple[bool, str]:
    return no_orm("fastapi")


def fastapi_async() -> tuple[bool, str]:
    app = fastapi_app()

    async def get(path: str) -> str:
        return (await asgi(app, path))[1]

    return asyncio.run(meet(get))


def fastapi_websocket() -> tuple[bool, str]:
    sent = asyncio.run(asgi_websocket(fastapi_app(), "/ws", "hi"))
    kinds = [m["type"] for m in sent]
    texts = [m.get("text") for m in sent if m["type"] == "websocket.send"]
    return kinds[0] == "websocket.accept" and texts == ["echo: hi"], f"sent {kinds}, texts {texts}"


def fastapi_validation() -> tuple[bool, str]:
    app = fastapi_app()
    bad = asyncio.run(asgi(app, "/items", "POST", b'{"id": "abc"}'))
    good = asyncio.run(asgi(app, "/items", "POST", b'{"id": 4}'))
    return bad[0] == 422 and good == (200, '{"id":4}'), f"id 'abc': {answers(*bad)}; id 4: {answers(*good)}"


def fastapi_openapi() -> tuple[bool, str]:
    app = fastapi_app()
    status, text = asyncio.run(asgi(app, "/openapi.json"))
    schema = json.loads(text) if status == 200 else {}
    docs = asyncio.run(asgi(app, "/docs"))
    works = schema.get("openapi", "").startswith("3.") and "/items/{item_id}" in schema.get("paths", {})
    works = works and docs[0] == 200 and "swagger" in docs[1].lower()
    return works, f"/openapi.json: OpenAPI {schema.get('openapi')} with paths {sorted(schema.get('paths', {}))}; /docs: {docs[0]}"


def fastapi_testing() -> tuple[bool, str]:
    try:
        from fastapi.testclient import TestClient
    except RuntimeError as error:
        if "httpx2" in str(error):
            return False, f"fastapi.testclient fails: {str(error).splitlines()[0]}"
        raise
    answer = TestClient(fastapi_app()).get("/")
    return (answer.status_code, answer.text) == (200, "hi"), f"TestClient: {answers(answer.status_code, answer.text)}"


# --------------------------------------------------------------------------
# Pyramid
# --------------------------------------------------------------------------


def pyramid_app(*extra: Callable[[Any], None]) -> Any:
    """URL dispatch: `add_route` patterns, each with its view."""
    from pyramid.config import Configurator
    from pyramid.response import Response

    with Configurator() as config:
        config.add_route("item", r"/items/{item_id:\d+}")
        config.add_view(lambda request: Response(f"item {request.matchdict['item_id']}"), route_name="item")
        config.add_route("post", "/items", request_method="POST")
        config.add_view(lambda request: Response(json.dumps(request.json_body)), route_name="post")
        config.add_route("ws", "/ws")
        config.add_view(lambda request: Response("plain"), route_name="ws")
        config.add_route("hello", "/")
        config.add_view(lambda request: Response("hi"), route_name="hello")
        for step in extra:
            step(config)
        return config.make_wsgi_app()


def pyramid_routing() -> tuple[bool, str]:
    from pyramid.config import Configurator
    from pyramid.response import Response

    class Item:
        def __init__(self, name: str) -> None:
            self.name = name

    class Items(dict):  # type: ignore[type-arg]
        def __getitem__(self, name: str) -> Item:
            if not name.isdigit():
                raise KeyError(name)
            return Item(name)

    with Configurator(root_factory=lambda request: {"items": Items()}) as config:
        config.add_view(lambda context, request: Response(f"item {context.name}"), context=Item)
        traversal = config.make_wsgi_app()
    (by_route, on_route), (by_tree, on_tree) = (routed([wsgi(app, path) for path in ROUTED])
                                                for app in (pyramid_app(), traversal))
    return by_route and by_tree, f"URL dispatch: {on_route}; traversal: {on_tree}"


def pyramid_templates() -> tuple[bool, str]:
    """Pyramid picks a template renderer by the file's extension; none is
    registered until an add-on (pyramid_jinja2, pyramid_chameleon, pyramid_mako)
    is included."""
    from pyramid.interfaces import IRendererFactory

    refused = []
    for renderer in ("hi.jinja2", "hi.pt", "hi.mako"):
        try:
            app = pyramid_app(lambda config, r=renderer: (  # type: ignore[misc]
                config.add_route("t", "/t"), config.add_view(lambda request: {}, route_name="t", renderer=r)))
            status, text = wsgi(app, "/t")
        except ValueError as error:
            if "No such renderer factory" not in str(error):
                raise
            refused.append(str(error))
            continue
        return True, f"{renderer} rendered: {answers(status, text)}"
    from pyramid.config import Configurator

    with Configurator() as config:
        config.commit()
        built_in = sorted(name for name, _ in config.registry.getUtilitiesFor(IRendererFactory))
    if built_in != ["json", "string"]:
        return True, f"its renderers are {built_in}, not only json and string"
    return False, f"{'; '.join(refused)}; its renderers are {built_in}"


def pyramid_orm_admin() -> tuple[bool, str]:
    return no_orm("pyramid")


def pyramid_async() -> tuple[bool, str]:
    def run(view: Callable[..., Any]) -> str:
        app = pyramid_app(lambda config: (config.add_route("run", "/run"),
                                          config.add_view(lambda request: view(), route_name="run", renderer="string")))
        return wsgi(app, "/run")[1]

    return not_awaited(run)


def pyramid_websocket() -> tuple[bool, str]:
    return no_websocket("pyramid", pyramid_app())


def pyramid_validation() -> tuple[bool, str]:
    status, text = wsgi(pyramid_app(), "/items", "POST", b'{"id": "abc"}')
    return unvalidated("pyramid", json.loads(text) if status == 200 else text)


def pyramid_openapi() -> tuple[bool, str]:
    app = pyramid_app()
    return no_openapi("pyramid", [wsgi(app, path) for path in DOCS])


def webtest_request(app: Any) -> tuple[bool, str]:
    """One request through WebTest's TestApp, which wraps any WSGI app."""
    try:
        import webtest
    except ImportError as error:
        return False, f"no test client without WebTest: {error}"
    answer = webtest.TestApp(app).get("/")
    return (answer.status_int, answer.text) == (200, "hi"), f"webtest.TestApp: {answers(answer.status_int, answer.text)}"


def pyramid_testing() -> tuple[bool, str]:
    return webtest_request(pyramid_app())


# --------------------------------------------------------------------------
# Bottle
# --------------------------------------------------------------------------


def bottle_app() -> Any:
    import bottle

    app = bottle.Bottle()

    @app.get("/items/<item_id:int>")
    def item(item_id: int) -> str:
        return f"item {item_id}"

    @app.post("/items")
    def post() -> str:
        return json.dumps(bottle.request.json)

    @app.get("/ws")
    def ws() -> str:
        return "plain"

    @app.get("/")
    def hello() -> str:
        return "hi"

    return app


def bottle_routing() -> tuple[bool, str]:
    app = bottle_app()
    return routed([wsgi(app, path) for path in ROUTED])


def bottle_templates() -> tuple[bool, str]:
    import bottle

    shown = bottle.template("Hi {{name}}", name="<b>")
    return shown == "Hi &lt;b&gt;", repr(shown)


def bottle_orm_admin() -> tuple[bool, str]:
    return no_orm("bottle")


def bottle_async() -> tuple[bool, str]:
    def run(view: Callable[..., Any]) -> str:
        app = bottle_app()
        app.get("/run")(view)
        return wsgi(app, "/run")[1]

    return not_awaited(run)


def bottle_websocket() -> tuple[bool, str]:
    return no_websocket("bottle", bottle_app())


def bottle_validation() -> tuple[bool, str]:
    status, text = wsgi(bottle_app(), "/items", "POST", b'{"id": "abc"}')
    return unvalidated("bottle", json.loads(text) if status == 200 else text)


def bottle_openapi() -> tuple[bool, str]:
    app = bottle_app()
    return no_openapi("bottle", [wsgi(app, path) for path in DOCS])


def bottle_testing() -> tuple[bool, str]:
    return webtest_request(bottle_app())


# --------------------------------------------------------------------------
# CherryPy
# --------------------------------------------------------------------------


def cherrypy_app(**extra: Callable[..., Any]) -> Any:
    """An object tree: each exposed method answers the URL of its name."""
    import cherrypy

    class Root:
        @cherrypy.expose
        def index(self) -> str:
            return "hi"

        @cherrypy.expose
        def items(self, item_id: str) -> str:
            if not item_id.isdigit():
                raise cherrypy.NotFound()
            return f"item {item_id}"

        @cherrypy.expose
        def ws(self) -> str:
            return "plain"

        @cherrypy.expose
        @cherrypy.tools.json_in()
        def post(self) -> str:
            return json.dumps(cherrypy.request.json)

    for name, method in extra.items():
        setattr(Root, name, staticmethod(cherrypy.expose(method)))
    cherrypy.config.update({"environment": "embedded", "log.screen": False})
    return cherrypy.Application(Root(), "")


def cherrypy_routing() -> tuple[bool, str]:
    app = cherrypy_app()
    return routed([wsgi(app, path) for path in ROUTED])


def cherrypy_templates() -> tuple[bool, str]:
    return no_engine("cherrypy")


def cherrypy_orm_admin() -> tuple[bool, str]:
    return no_orm("cherrypy")


def cherrypy_async() -> tuple[bool, str]:
    return not_awaited(lambda view: wsgi(cherrypy_app(run=view), "/run")[1])


def cherrypy_websocket() -> tuple[bool, str]:
    return no_websocket("cherrypy", cherrypy_app())


def cherrypy_validation() -> tuple[bool, str]:
    """`json_in` refuses a body that is not JSON; what JSON says reaches the method as it is."""
    app = cherrypy_app()
    broken = wsgi(app, "/post", "POST", b'{"id": ')
    status, text = wsgi(app, "/post", "POST", b'{"id": "abc"}')
    works, shown = unvalidated("cherrypy", json.loads(text) if status == 200 else text)
    if broken[0] != 400:
        return True, f"broken JSON got {broken[0]}, not 400"
    return works, f"broken JSON: 400 from json_in; {shown}"


def cherrypy_openapi() -> tuple[bool, str]:
    app = cherrypy_app()
    return no_openapi("cherrypy", [wsgi(app, path) for path in DOCS])


CPWEBCASE = '''
import cherrypy
from cherrypy.test import helper

class Root:
    @cherrypy.expose
    def index(self):
        return "hi"

class TestHello(helper.CPWebCase):
    @staticmethod
    def setup_server():
        cherrypy.tree.mount(Root(), "/")

    def test_hello(self):
        self.getPage("/")
        self.assertStatus("200 OK")
        self.assertBody("hi")
        print(f"PORT {self.PORT}")
'''
"""A test as CherryPy's documentation writes one: a `helper.CPWebCase`."""


def cherrypy_testing() -> tuple[bool, str]:
    """CherryPy's own test helper, run under pytest as its documentation runs it."""
    try:
        from cherrypy.test import helper  # noqa: F401
    except ImportError as error:
        if error.name != "pytest":
            raise
        return False, f"cherrypy.test.helper cannot be imported: {error}"
    import contextlib

    import pytest

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "test_hello.py").write_text(CPWEBCASE)
        (Path(folder) / "pytest.ini").write_text("[pytest]\n")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = pytest.main([folder, "-q", "-s", "-p", "no:cacheprovider", "-c", str(Path(folder) / "pytest.ini")])
    printed = out.getvalue()
    port = re.search(r"PORT (\d+)", printed)
    summary = printed.strip().splitlines()[-1] if printed.strip() else ""
    return code == 0 and port is not None, f"helper.CPWebCase under pytest: {summary}; served on port {port and port[1]}"


# --------------------------------------------------------------------------
# Tornado
# --------------------------------------------------------------------------


def tornado_app() -> Any:
    import tornado.web
    import tornado.websocket

    meeting = Meeting()

    class Item(tornado.web.RequestHandler):
        def get(self, item_id: str) -> None:
            self.write(f"item {item_id}")

    class Post(tornado.web.RequestHandler):
        def post(self) -> None:
            self.write(json.dumps(json.loads(self.request.body)))

    class Wait(tornado.web.RequestHandler):
        async def get(self) -> None:
            self.write(await meeting.wait())

    class Release(tornado.web.RequestHandler):
        async def get(self) -> None:
            self.write(await meeting.release())

    class Echo(tornado.websocket.WebSocketHandler):
        def on_message(self, message: str | bytes) -> None:
            self.write_message(f"echo: {message!s}")

    class Hello(tornado.web.RequestHandler):
        def get(self) -> None:
            self.write("hi")

    return tornado.web.Application([
        (r"/items/(\d+)", Item), (r"/items", Post), (r"/wait", Wait), (r"/release", Release),
        (r"/ws", Echo), (r"/", Hello),
    ])


def tornado_serve(use: Callable[[str], Any]) -> Any:
    """Serve the app on a free port of 127.0.0.1 for as long as `use(base_url)` runs."""
    from tornado.httpserver import HTTPServer
    from tornado.testing import bind_unused_port

    async def main() -> Any:
        sock, port = bind_unused_port()
        server = HTTPServer(tornado_app())
        server.add_sockets([sock])
        try:
            return await use(f"127.0.0.1:{port}")
        finally:
            server.stop()
            await server.close_all_connections()

    return asyncio.run(main())


async def tornado_get(base: str, path: str, method: str = "GET", body: bytes | None = None) -> tuple[int, str]:
    from tornado.httpclient import AsyncHTTPClient

    answer = await AsyncHTTPClient().fetch(f"http://{base}{path}", method=method, body=body, raise_error=False)
    return answer.code, answer.body.decode()


def tornado_routing() -> tuple[bool, str]:
    async def use(base: str) -> Any:
        return [await tornado_get(base, path) for path in ROUTED]

    return routed(tornado_serve(use))


def tornado_templates() -> tuple[bool, str]:
    import tornado.template

    shown = tornado.template.Template("Hi {{ name }}").generate(name="<b>").decode()
    return shown == "Hi &lt;b&gt;", repr(shown)


def tornado_orm_admin() -> tuple[bool, str]:
    return no_orm("tornado")


def tornado_async() -> tuple[bool, str]:
    async def use(base: str) -> Any:
        async def get(path: str) -> str:
            return (await tornado_get(base, path))[1]

        return await meet(get)

    return tornado_serve(use)


def tornado_websocket() -> tuple[bool, str]:
    from tornado.websocket import websocket_connect

    async def use(base: str) -> Any:
        ws = await websocket_connect(f"ws://{base}/ws")
        await ws.write_message("hi")
        answer = await ws.read_message()
        ws.close()
        return answer

    answer = tornado_serve(use)
    return answer == "echo: hi", f"the WebSocket answered {answer!r}"


def tornado_validation() -> tuple[bool, str]:
    async def use(base: str) -> Any:
        return await tornado_get(base, "/items", "POST", b'{"id": "abc"}')

    status, text = tornado_serve(use)
    return unvalidated("tornado", json.loads(text) if status == 200 else text)


def tornado_openapi() -> tuple[bool, str]:
    async def use(base: str) -> Any:
        return [await tornado_get(base, path) for path in DOCS]

    return no_openapi("tornado", tornado_serve(use))


def tornado_testing() -> tuple[bool, str]:
    from tornado.testing import AsyncHTTPTestCase

    class TestHello(AsyncHTTPTestCase):
        def get_app(self) -> Any:
            return tornado_app()

        def test_hello(self) -> None:
            answer = self.fetch("/")
            self.assertEqual((answer.code, answer.body), (200, b"hi"))

    passed, summary = unit_test(TestHello)
    return passed, f"AsyncHTTPTestCase: {summary}"


# --------------------------------------------------------------------------


def main(site: str, fw: str, dist: str, columns: list[str]) -> dict[str, Any]:
    import site as sites

    DIST[fw] = dist
    sites.addsitedir(site)  # as the interpreter reads site-packages: its .pth files too
    report: dict[str, Any] = {"seen": sorted(d.metadata["Name"] for d in metadata.distributions())}
    for column in columns:
        probe = globals().get(f"{fw}_{column}")
        if probe is None:
            report[column] = {"error": f"tests/feature_probes.py has no probe {fw}_{column}"}
            continue
        try:
            works, shown = probe()
            report[column] = {"works": works, "shown": shown}
        except Exception:  # noqa: BLE001 - reported to the test, which fails on it
            report[column] = {"error": traceback.format_exc()}
    return report


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])))
