"""Every cell of the feature matrix (docs/features.md), checked against the
installed frameworks: measured cells recomputed another way, and each yes-or-no
cell tried: where the table says yes, the feature is used; where it says no,
the tests show it is missing."""

from __future__ import annotations

import asyncio
import gc
import importlib
import json
import re
import subprocess
import sys
import types
import warnings
from collections.abc import Callable
from importlib import metadata
from typing import Any

import pytest
from fastapi import FastAPI, WebSocket
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from packaging.utils import canonicalize_name
from pydantic import BaseModel

from guide import django_project, registry
from guide.paths import DOCS, ROOT
from guide.render import features

DATA = {key: {**fw.features, "dist": fw.dist} for key, fw in registry.frameworks().items()}
"""Each framework's typed cells, and the distribution the cells are checked against."""
FRAMEWORKS = list(DATA)
WHERE = "docs/features.md (guide/frameworks.yml)"


def cells(column: str, built_in: bool | None = None) -> list[Any]:
    """`(framework, cell)` parameters for one column, optionally only yes or no."""
    return [
        pytest.param(fw, data[column], id=fw)
        for fw, data in DATA.items()
        if built_in is None or data[column]["built_in"] is built_in
    ]


def resolve(dotted: str) -> Any:
    """The object a dotted name stands for: the longest importable module,
    then attributes."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def own_files(fw: str) -> list[str]:
    """The Python files the framework's own distribution installed."""
    return [str(f) for f in metadata.distribution(DATA[fw]["dist"]).files or [] if f.suffix == ".py"]


def mentions(fw: str, word: str) -> list[str]:
    """The framework's own Python files that contain `word`, any case."""
    dist = metadata.distribution(DATA[fw]["dist"])
    return [
        str(f)
        for f in dist.files or []
        if f.suffix == ".py" and word in dist.locate_file(f).read_text(errors="replace").lower()
    ]


def ships(fw: str, pattern: str) -> list[str]:
    """What the framework ships under a name matching `pattern` (any case):
    its own files, and the names its top-level module offers."""
    found = [f for f in own_files(fw) if re.search(pattern, f, re.IGNORECASE)]
    module = importlib.import_module(DATA[fw]["dist"])
    return found + [n for n in dir(module) if re.search(pattern, n, re.IGNORECASE)]


# --------------------------------------------------------------------------
# The data and what the build measures
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_every_cell_is_typed_with_a_link(fw: str) -> None:
    """Every typed column has text and a link into the guide (the strict build
    checks its anchor); routing
    names the API it uses, and every yes-or-no cell says which."""
    for column in features.COLUMNS:
        cell = DATA[fw].get(column)
        assert cell and cell.get("text") and cell.get("link"), f"{WHERE}: {fw}.{column} lacks text or link"
        page = cell["link"].partition("#")[0] or features.PAGE
        assert (DOCS / page).is_file(), f"{WHERE}: {fw}.{column} links to missing {page}"
        if column == "routing":
            assert cell.get("api"), f"{WHERE}: {fw}.routing names no API"
        else:
            assert isinstance(cell.get("built_in"), bool), f"{WHERE}: {fw}.{column} needs built_in"


@pytest.mark.parametrize(
    ("fw", "column", "name"),
    [
        pytest.param(fw, column, name, id=f"{fw}.{column}:{name}")
        for fw, data in DATA.items()
        for column in features.COLUMNS
        for name in data[column].get("api", [])
    ],
)
def test_named_api_exists(fw: str, column: str, name: str) -> None:
    """Each API a cell names exists in the installed framework."""
    try:
        resolve(name)
    except (ImportError, AttributeError) as error:
        pytest.fail(f"{WHERE}: {fw}.{column} names {name}, which is not installed: {error}")


PIP_READS = """
import json
from pip._internal.metadata import get_default_environment
dists = get_default_environment().iter_installed_distributions(local_only=False, skip=())
print(json.dumps({d.canonical_name: [r.name for r in d.iter_dependencies()] for d in dists}))
"""
"""pip's own reading of installed metadata: the code behind the Requires line
of `pip show` (markers evaluated by pip's vendored packaging, no extras)."""


@pytest.fixture(scope="module")
def pip_requires() -> dict[str, set[str]]:
    """What pip says each installed distribution requires, by canonical name."""
    out = subprocess.run([sys.executable, "-c", PIP_READS], capture_output=True, text=True, check=True)
    return {name: {canonicalize_name(r) for r in reqs} for name, reqs in json.loads(out.stdout).items()}


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_dependency_count(fw: str, pip_requires: dict[str, set[str]]) -> None:
    """The dependencies counted are the closure of what pip reports."""
    own = canonicalize_name(DATA[fw]["dist"])
    closure, todo = set(), [own]
    while todo:
        for dep in pip_requires[todo.pop()] - closure - {own}:
            closure.add(dep)
            todo.append(dep)
    counted = {canonicalize_name(d) for d in features.requirements(DATA[fw]["dist"])}
    assert counted == closure, (
        f"{WHERE}: {fw} dependencies: the page counts {sorted(counted)}, pip says {sorted(closure)}"
    )


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_row_shows_what_is_measured(fw: str) -> None:
    """The row shows the installed version, the dev and prod commands of the
    Items API's walkthrough, the dependency count and the file's line count,
    each recomputed here (a missing Items API file fails, naming it)."""
    path = features.items_api(fw)
    assert path.is_file(), f"{WHERE}: {fw} has no Items API at {path.relative_to(ROOT)}"
    lines = sum(1 for line in path.read_bytes().split(b"\n") if line.strip())
    w = registry.framework(fw).items_walkthrough()
    dist = metadata.distribution(DATA[fw]["dist"])
    cells = dict(zip(features.HEADINGS, features.row(fw), strict=True))
    expected = {
        "Framework": f"]({fw}.md) {dist.version}",
        "Development server": f"[`{w.step('dev').serve.line}`]",
        "Production server": f"[`{w.step('prod').serve.line}`]",
        "Dependencies": f"[{len(features.requirements(DATA[fw]['dist']))}]",
        "Items API lines": f"[{lines}]",
    }
    for heading, text in expected.items():
        assert text in cells[heading], f"{WHERE}: {fw} {heading} shows {cells[heading]!r}, expected {text!r}"


def test_missing_items_api_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """A framework without its Items API file breaks the build, naming the file."""
    monkeypatch.setattr(features, "items_api", lambda key: ROOT / "no-such-folder" / key / "app.py")
    with pytest.raises(FileNotFoundError, match=r"needs no-such-folder/flask/app\.py"):
        features.lines("flask")


def test_marker_is_on_the_page() -> None:
    """The matrix page carries the marker that renders the table."""
    page = (DOCS / features.PAGE).read_text()
    assert "\n{{ features() }}\n" in page, f"{features.PAGE} lacks the {{{{ features() }}}} line"


# --------------------------------------------------------------------------
# WebSocket: opened where the table says yes, absent where it says no
# --------------------------------------------------------------------------


def websocket_fastapi() -> str:
    app = FastAPI()

    @app.websocket("/ws")
    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("echo: " + await ws.receive_text())
        await ws.close()

    with TestClient(app).websocket_connect("/ws") as ws:
        ws.send_text("hi")
        return ws.receive_text()


def websocket_tornado() -> str:
    import tornado.web
    import tornado.websocket
    from tornado.httpserver import HTTPServer
    from tornado.testing import bind_unused_port

    class Echo(tornado.websocket.WebSocketHandler):
        def on_message(self, message: str | bytes) -> None:
            self.write_message(f"echo: {message!s}")

    async def main() -> str:
        sock, port = bind_unused_port()
        server = HTTPServer(tornado.web.Application([(r"/ws", Echo)]))
        server.add_sockets([sock])
        try:
            ws = await tornado.websocket.websocket_connect(f"ws://127.0.0.1:{port}/ws")
            await ws.write_message("hi")
            answer = await ws.read_message()
            ws.close()
            return str(answer)
        finally:
            server.stop()

    return asyncio.run(main())


OPEN_WEBSOCKET: dict[str, Callable[[], str]] = {"fastapi": websocket_fastapi, "tornado": websocket_tornado}


@pytest.mark.parametrize(("fw", "cell"), cells("websocket", True))
def test_websocket_opens(fw: str, cell: dict[str, Any]) -> None:
    """Where the table says yes, a WebSocket built with the framework's own
    API opens and echoes."""
    assert fw in OPEN_WEBSOCKET, f"{WHERE}: {fw} claims WebSockets; add a check that opens one"
    assert OPEN_WEBSOCKET[fw]() == "echo: hi", f"{WHERE}: {fw}'s WebSocket did not echo"


@pytest.mark.parametrize(("fw", "cell"), cells("websocket", False))
def test_websocket_absent(fw: str, cell: dict[str, Any]) -> None:
    """Where the table says no, nothing in the framework's own code mentions
    WebSockets."""
    found = mentions(fw, "websocket")
    assert not found, f"{WHERE}: {fw} says no WebSocket, but these files mention one: {found}"


def test_django_refuses_a_websocket() -> None:
    """Django's own ASGI handler refuses a WebSocket connection outright."""
    django_project.setup()
    from django.core.handlers.asgi import ASGIHandler

    async def nothing() -> dict[str, str]:
        return {"type": "websocket.connect"}

    async def ignore(message: dict[str, Any]) -> None:
        return None

    scope = {"type": "websocket", "path": "/ws", "headers": []}
    with pytest.raises(ValueError, match="can only handle ASGI/HTTP connections, not websocket"):
        asyncio.run(ASGIHandler()(scope, nothing, ignore))


# --------------------------------------------------------------------------
# Async views: an `async def` view, run through each framework
# --------------------------------------------------------------------------


def async_django(view: Callable[..., Any]) -> str:
    django_project.setup()
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.urls import path

    async def django_view(request: Any) -> HttpResponse:
        return HttpResponse(await view())

    urls = types.ModuleType("features_urls")
    urls.urlpatterns = [path("run", django_view)]  # type: ignore[attr-defined]
    with override_settings(ROOT_URLCONF=urls):
        return Client().get("/run").content.decode()


def async_flask(view: Callable[..., Any]) -> str:
    from flask import Flask

    app = Flask(__name__)
    app.get("/run")(view)
    return app.test_client().get("/run").get_data(as_text=True)


def async_fastapi(view: Callable[..., Any]) -> str:
    app = FastAPI()

    @app.get("/run", response_class=PlainTextResponse)
    async def run() -> str:
        return await view()

    return TestClient(app).get("/run").text


def async_pyramid(view: Callable[..., Any]) -> str:
    import webtest
    from pyramid.config import Configurator

    with Configurator() as config:
        config.add_route("run", "/run")
        config.add_view(lambda request: view(), route_name="run", renderer="string")
        app = config.make_wsgi_app()
    try:
        return webtest.TestApp(app).get("/run", expect_errors=True).text
    except ValueError as error:  # Pyramid: the view returned something that is not a response
        return str(error)


def async_bottle(view: Callable[..., Any]) -> str:
    import bottle
    import webtest

    app = bottle.Bottle()
    app.get("/run")(view)
    return webtest.TestApp(app).get("/run", expect_errors=True).text


def async_cherrypy(view: Callable[..., Any]) -> str:
    import cherrypy
    import webtest

    class Root:
        run = staticmethod(cherrypy.expose(view))

    return webtest.TestApp(cherrypy.Application(Root(), "")).get("/run", expect_errors=True).text


def async_tornado(view: Callable[..., Any]) -> str:
    import tornado.web
    from tornado.httpclient import AsyncHTTPClient
    from tornado.httpserver import HTTPServer
    from tornado.testing import bind_unused_port

    class Handler(tornado.web.RequestHandler):
        async def get(self) -> None:
            self.write(await view())

    async def main() -> str:
        sock, port = bind_unused_port()
        server = HTTPServer(tornado.web.Application([(r"/run", Handler)]))
        server.add_sockets([sock])
        try:
            r = await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/run", raise_error=False)
            return r.body.decode()
        finally:
            server.stop()

    return asyncio.run(main())


RUN_ASYNC = {
    "django": async_django, "flask": async_flask, "fastapi": async_fastapi, "pyramid": async_pyramid,
    "bottle": async_bottle, "cherrypy": async_cherrypy, "tornado": async_tornado,
}


@pytest.mark.parametrize(("fw", "cell"), cells("async"))
def test_async_view(fw: str, cell: dict[str, Any]) -> None:
    """An `async def` view runs to the end where the table says yes; where it
    says no, the framework calls it but never awaits it, so its body never runs."""
    ran: list[bool] = []

    async def view(*args: Any, **kwargs: Any) -> str:
        await asyncio.sleep(0)
        ran.append(True)
        return "ran"

    assert fw in RUN_ASYNC, f"{WHERE}: no check runs an async view in {fw}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "coroutine ... was never awaited"
        body = RUN_ASYNC[fw](view)
        for left in gc.get_objects():  # a coroutine a framework kept but never awaited
            if type(left) is types.CoroutineType and left.cr_code is view.__code__:
                left.close()
    if cell["built_in"]:
        assert ran and body == "ran", f"{WHERE}: {fw} says async views run, but it answered {body[:200]!r}"
    else:
        assert not ran and body != "ran", f"{WHERE}: {fw} says no async views, but one ran"


def test_flask_async_needs_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Flask's async views come from its `async` extra, asgiref: installed here
    (Django requires it too); without it the view fails, asking for the extra."""
    extra = [r for r in metadata.requires("flask") or [] if 'extra == "async"' in r]
    assert extra and extra[0].startswith("asgiref"), f"flask's async extra is {extra}"
    assert metadata.version("asgiref")
    monkeypatch.setitem(sys.modules, "asgiref.sync", None)
    from flask import Flask

    with pytest.raises(RuntimeError, match="'async' extra"):
        Flask(__name__).ensure_sync(never_awaited)


async def never_awaited() -> None:
    return None


# --------------------------------------------------------------------------
# OpenAPI, templates, validation, ORM and admin
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("fw", "cell"), cells("openapi", True))
def test_openapi_schema(fw: str, cell: dict[str, Any]) -> None:
    """Where the table says yes, the schema and the docs page are served."""
    assert fw == "fastapi", f"{WHERE}: {fw} claims OpenAPI; add a check that fetches its schema"
    app = FastAPI()
    app.get("/items/{item_id}")(lambda item_id: {"id": item_id})
    client = TestClient(app)
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.") and "/items/{item_id}" in schema["paths"], schema
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower(), f"{WHERE}: /docs {docs.status_code}"


@pytest.mark.parametrize(("fw", "cell"), cells("openapi", False))
def test_openapi_absent(fw: str, cell: dict[str, Any]) -> None:
    """Where the table says no, nothing in the framework's own code mentions OpenAPI."""
    found = mentions(fw, "openapi")
    assert not found, f"{WHERE}: {fw} says no OpenAPI, but these files mention it: {found}"


def render_django(text: str) -> str:
    from django.template import Context, Engine

    return Engine().from_string("Hi {{ name }}").render(Context({"name": text}))


def render_flask(text: str) -> str:
    from flask import Flask, render_template_string

    with Flask(__name__).app_context():
        return render_template_string("Hi {{ name }}", name=text)


def render_bottle(text: str) -> str:
    import bottle

    return bottle.template("Hi {{name}}", name=text)


def render_tornado(text: str) -> str:
    import tornado.template

    return tornado.template.Template("Hi {{ name }}").generate(name=text).decode()


RENDER = {"django": render_django, "flask": render_flask, "bottle": render_bottle, "tornado": render_tornado}


@pytest.mark.parametrize(("fw", "cell"), cells("templates"))
def test_templates(fw: str, cell: dict[str, Any]) -> None:
    """Yes: the built-in engine renders a template and escapes HTML. No: the
    framework ships no template module, or the engine it points to is not
    among its requirements."""
    if cell["built_in"]:
        assert fw in RENDER, f"{WHERE}: {fw} claims templates; add a check that renders one"
        shown = RENDER[fw]("<b>")
        assert shown in ("Hi &lt;b&gt;",), f"{WHERE}: {fw} rendered {shown!r}"
    elif "outside" in cell:
        deps = {canonicalize_name(d) for d in features.requirements(DATA[fw]["dist"])}
        assert canonicalize_name(cell["outside"]) not in deps, f"{WHERE}: {fw} requires {cell['outside']}"
    else:
        found = ships(fw, "templat")
        assert not found, f"{WHERE}: {fw} says no templates, but ships {found}"


class Item(BaseModel):
    """A model FastAPI validates request bodies against."""

    id: int


@pytest.mark.parametrize(("fw", "cell"), cells("validation"))
def test_validation(fw: str, cell: dict[str, Any]) -> None:
    """Yes: invalid input is refused by the framework's own validation. No:
    the framework ships no validation module."""
    if not cell["built_in"]:
        found = ships(fw, "valid")
        assert not found, f"{WHERE}: {fw} says no validation, but ships {found}"
    elif fw == "django":
        django_project.setup()
        from django import forms

        form = type("ItemForm", (forms.Form,), {"id": forms.IntegerField(min_value=1)})
        assert not form({"id": "abc"}).is_valid() and form({"id": "4"}).is_valid()
    elif fw == "fastapi":
        app = FastAPI()

        @app.post("/items")
        def create(item: Item) -> Item:
            return item

        client = TestClient(app)
        assert client.post("/items", json={"id": "abc"}).status_code == 422
        assert client.post("/items", json={"id": 4}).json() == {"id": 4}
    else:
        pytest.fail(f"{WHERE}: {fw} claims validation; add a check that sees it refuse input")


@pytest.mark.parametrize(("fw", "cell"), cells("orm_admin", False))
def test_no_orm_or_admin(fw: str, cell: dict[str, Any]) -> None:
    """Where the table says no, the framework ships no database, ORM or admin
    module (Django's yes is the `api` it names, and its page's admin tests)."""
    found = ships(fw, r"(^|/)(db|orm|admin|database)(/|\.py$|$)")
    assert not found, f"{WHERE}: {fw} says no ORM or admin, but ships {found}"
