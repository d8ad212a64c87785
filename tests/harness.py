"""The one harness that renders and runs every walkthrough in the guide.

A *walkthrough* is what a reader does on a framework page, from an empty
folder to a running server: the commands they type, the files they save, the
URLs they open and what they see there. Each page's walkthroughs live in
`snippets/<framework>/walkthroughs.yml`, beside the files the page shows.

This module reads that data and uses it three ways, so a page and its tests
can never read different data:

1. **On the page.** As an MkDocs hook (`hooks:` in `mkdocs.yml`) it replaces
   marker lines such as `{{ run("items.serve") }}` and
   `{{ visit("items.serve") }}` with the commands and the URLs of that step.
2. **In-process, the fast layer.** [`client_for`][harness.client_for] imports a
   snippet (never as `__main__`) and wraps its app in the framework's own test
   client.
3. **As the reader runs it, the truthful layer.** [`Reader`][harness.Reader]
   copies the files into a temporary folder, types the page's commands, starts
   the server with the page's command on the page's port, and
   [`check_visit`][harness.check_visit] opens every URL the page names over real
   HTTP.

Every failure names the page, the snippet file and what differed.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import html
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
"""The repository root; pages and snippets are found from here."""
SNIPPETS = ROOT / "snippets"
DOCS = ROOT / "docs"
MARKER = re.compile(
    r'^(?P<indent>[ \t]*)\{\{ (?P<what>run|visit)\("(?:(?P<framework>[\w-]+)\.)?'
    r'(?P<name>[\w-]+)\.(?P<step>[\w-]+)"\) \}\}[ \t]*$',
    re.MULTILINE,
)
"""A marker line on a page: `{{ run("walkthrough.step") }}` or `{{ visit(...) }}`,
alone on its line; indented inside an admonition or a tab, it renders indented.
On another page than the framework's own, name the framework first:
`{{ run("flask.hello.serve") }}`."""

START_TIMEOUT = 30.0
"""Seconds a server may take from its command to answering on its port."""
COMMAND_TIMEOUT = 120.0
"""Seconds one typed command may take."""


# --------------------------------------------------------------------------
# The data: snippets/<framework>/walkthroughs.yml
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Visit:
    """A URL the page tells the reader to open, and what they will see there.

    `status` and `content_type` are compared exactly; then `json` (parsed and
    compared), `body` (the exact text), and each of `contains` (a substring).
    A `ws://` URL is a WebSocket: `send` each message, expect `receive`.
    """

    url: str
    note: str = ""
    status: int = 200
    content_type: str | None = None
    json: Any = None
    body: str | None = None
    contains: tuple[str, ...] = ()
    send: tuple[str, ...] = ()
    receive: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """The path and query of the URL, as a test client wants it."""
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def is_websocket(self) -> bool:
        return self.url.startswith("ws")


@dataclasses.dataclass(frozen=True)
class Command:
    """One line the reader types, the output it prints, the answers it asks for.

    `measure` runs it under coverage, as servers are (the reader's own tests
    are snippets too); `port` is a fixed port it uses, held under the port
    lock while it runs."""

    line: str
    output: tuple[str, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()
    secret: tuple[str, ...] = ()
    measure: bool = False
    port: int | None = None


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of a walkthrough.

    Exactly one of these is set: `commands` (lines typed in a terminal),
    `copy` (a file saved from the snippet folder to the same relative path),
    `edit` (a generated file changed by a snippet's top-level assignments), or
    `serve` (a long-running server command, with `port`, the `output` it prints
    once ready, the URLs to `visit`, and `app`, the expression that gives its
    application object for the in-process layer).
    """

    id: str
    commands: tuple[Command, ...] = ()
    copy: str | None = None
    edit: str | None = None
    serve: Command | None = None
    port: int | None = None
    app: str | None = None
    module: str | None = None
    visits: tuple[Visit, ...] = ()


@dataclasses.dataclass(frozen=True)
class Walkthrough:
    """What a reader does on one page, from an empty folder: `steps` in order."""

    framework: str
    name: str
    folder: str
    steps: tuple[Step, ...]

    @property
    def page(self) -> str:
        """The page that shows this walkthrough, relative to the repo root."""
        return f"docs/{self.framework}.md"

    @property
    def source(self) -> Path:
        """The folder holding the reader's files, at the paths they save them."""
        return SNIPPETS / self.framework / self.folder

    @property
    def id(self) -> str:
        return f"{self.framework}.{self.name}"

    def step(self, step_id: str) -> Step:
        """The step called `step_id`; a KeyError names the ones there are."""
        for step in self.steps:
            if step.id == step_id:
                return step
        known = ", ".join(s.id for s in self.steps)
        raise KeyError(f"{self.id} has no step {step_id!r} (it has: {known})")

    @property
    def servers(self) -> list[Step]:
        """The steps that start a server."""
        return [s for s in self.steps if s.serve]

    def snippet(self, step: Step) -> Path:
        """The snippet file a serve step runs (the module its `app` lives in)."""
        return self.source / (step.module or "app.py")


def _command(raw: Any) -> Command:
    if isinstance(raw, str):
        return Command(raw)
    return Command(
        line=raw["cmd"],
        output=tuple(_strings(raw.get("output", ()))),
        answers=tuple((q, a) for q, a in raw.get("answers", [])),
        secret=tuple(_strings(raw.get("secret", ()))),
        measure=bool(raw.get("measure", False)),
        port=raw.get("port"),
    )


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _visit(raw: dict[str, Any]) -> Visit:
    fields = {f.name for f in dataclasses.fields(Visit)}
    unknown = set(raw) - fields
    if unknown:
        raise ValueError(f"unknown visit keys {sorted(unknown)} in {raw}")
    for key in ("contains", "send", "receive"):
        if key in raw:
            raw = {**raw, key: tuple(_strings(raw[key]))}
    return Visit(**raw)


def _step(raw: dict[str, Any], index: int) -> Step:
    kinds = [k for k in ("run", "copy", "edit", "serve") if k in raw]
    if len(kinds) != 1:
        raise ValueError(f"step {index} needs exactly one of run/copy/edit/serve: {raw}")
    step_id = raw.get("id", f"step-{index}")
    if "run" in raw:
        run = raw["run"]
        commands = [run] if isinstance(run, (str, dict)) else run
        return Step(step_id, commands=tuple(_command(c) for c in commands))
    if "serve" in raw:
        return Step(
            step_id,
            serve=Command(raw["serve"], output=tuple(_strings(raw.get("output", ())))),
            port=int(raw["port"]),
            app=raw.get("app"),
            module=raw.get("module"),
            visits=tuple(_visit(v) for v in raw.get("visit", [])),
        )
    return Step(step_id, copy=raw.get("copy"), edit=raw.get("edit"))


def walkthroughs(framework: str | None = None) -> list[Walkthrough]:
    """Every walkthrough in `snippets/*/walkthroughs.yml` (or one framework's)."""
    found = []
    for data_file in sorted(SNIPPETS.glob("*/walkthroughs.yml")):
        if framework and data_file.parent.name != framework:
            continue
        found.extend(_load(data_file, data_file.stat().st_mtime_ns))
    return found


@functools.lru_cache(maxsize=64)
def _load(data_file: Path, mtime: int) -> tuple[Walkthrough, ...]:
    # Parsed once per version of the file: a build renders many markers, and
    # `mkdocs serve` sees an edited file as a new modification time.
    fw = data_file.parent.name
    return tuple(
        Walkthrough(fw, name, raw.get("folder", name), tuple(_step(s, i) for i, s in enumerate(raw["steps"], 1)))
        for name, raw in yaml.safe_load(data_file.read_text(encoding="utf-8")).items()
    )


def walkthrough(ref: str) -> Walkthrough:
    """One walkthrough by `framework.name`, e.g. `walkthrough("flask.items")`."""
    for w in walkthroughs():
        if w.id == ref:
            return w
    raise KeyError(f"no walkthrough {ref!r}; known: {[w.id for w in walkthroughs()]}")


# --------------------------------------------------------------------------
# On the page: the MkDocs hook
# --------------------------------------------------------------------------


def render_commands(step: Step) -> str:
    """Markdown for a step's commands: a copyable block, then what it prints."""
    commands = (step.serve,) if step.serve else step.commands
    lines = "\n".join(c.line for c in commands)
    out = [f'```bash title="Terminal"\n{lines}\n```']
    transcript = []
    for c in commands:
        if c.answers:
            for question, answer in c.answers:
                shown = "" if answer in c.secret else answer
                transcript.append(f"{question}: {shown}".rstrip())
        transcript.extend(c.output)
    if transcript:
        body = "\n".join(transcript)
        out.append(f'```text title="Among what it prints"\n{body}\n```')
    return "\n\n".join(out)


def render_visits(step: Step) -> str:
    """Markdown for the URLs a serve step tells the reader to open."""
    items = []
    for v in step.visits:
        head = f"- <{v.url}>" if not v.is_websocket else f"- `{v.url}` (a WebSocket)"
        if v.note:
            head += f": {v.note}"
        if v.is_websocket:
            sent = ", ".join(f"`{m}`" for m in v.send)
            got = "\n".join(v.receive)
            items.append(
                f"{head}. Send {sent} and the server answers:\n\n"
                f'    ```text title="Messages received"\n'
                + "".join(f"    {line}\n" for line in got.splitlines())
                + "    ```"
            )
            continue
        kind = f", `{v.content_type.split(';')[0]}`" if v.content_type else ""
        head += f" (status {v.status}{kind})"
        if v.json is not None:
            shown = json.dumps(v.json, indent=2, ensure_ascii=False)
            items.append(_nested(head, "json", shown))
        elif v.body is not None:
            items.append(_nested(head, "text", v.body))
        elif v.contains:
            quoted = ", ".join(f"`{c}`" for c in v.contains)
            items.append(f"{head}: a page that includes {quoted}")
        else:
            items.append(head)
    return "\n".join(items)


def _nested(head: str, lang: str, text: str) -> str:
    body = "".join(f"    {line}\n" for line in text.splitlines())
    return f"{head}:\n\n    ```{lang}\n{body}    ```\n"


def render_markers(markdown: str, page_path: str) -> str:
    """Replace each marker line with its step; an unknown marker is an error."""
    framework = Path(page_path).stem

    def replace(match: re.Match[str]) -> str:
        name, step_id = match["name"], match["step"]
        step = walkthrough(f"{match['framework'] or framework}.{name}").step(step_id)
        if match["what"] == "visit":
            if not step.visits:
                raise ValueError(f"{page_path}: {name}.{step_id} has no URLs to visit")
            text = render_visits(step)
        else:
            text = render_commands(step)
        indent = match["indent"]
        return "\n".join(indent + line if line else line for line in text.splitlines())

    return MARKER.sub(replace, markdown)


LAST_RUN = ROOT / ".verification" / "last-run.json"
"""Written at the end of every test run (see `tests/conftest.py`): when it
ran, on which Python, and how many checks passed and failed for each page."""


def installed_versions(framework: str) -> list[tuple[str, str]]:
    """`(distribution, version)` for what the page's `pip install` commands
    name, as installed in the environment that builds the site."""
    from importlib.metadata import PackageNotFoundError, metadata

    from packaging.requirements import Requirement

    found: dict[str, str] = {}
    for w in walkthroughs(framework):
        for step in w.steps:
            for command in step.commands:
                words = shlex.split(command.line)
                if words[1:4] != ["-m", "pip", "install"]:
                    continue
                for word in words[4:]:
                    name = Requirement(word).name
                    try:
                        meta = metadata(name)
                        found.setdefault(meta["Name"], meta["Version"])
                    except PackageNotFoundError:
                        found.setdefault(name, "(not installed)")
    return list(found.items())


def render_verified(framework: str) -> str:
    """The box under a framework page's title: the versions its examples were
    checked with, and the outcome of the last test run for this page."""
    import platform

    names = ", ".join(f"{name} {v}" for name, v in installed_versions(framework))
    python = platform.python_version()
    record = json.loads(LAST_RUN.read_text()) if LAST_RUN.exists() else {}
    result = record.get("pages", {}).get(framework)
    if result:
        outcome = (
            f"all {result['passed']} checks for this page passed"
            if not result["failed"]
            else f"{result['failed']} of {result['passed'] + result['failed']} checks FAILED"
        )
        when = f"Last verification run: {record['finished'][:10]} on Python {record['python']}, {outcome}."
    else:
        when = "No verification run has been recorded where this copy of the site was built."
    kind = "success" if result and not result["failed"] else "warning"
    return (
        f'!!! {kind} "Verified with {names} on Python {python}"\n\n'
        f"    {when} [How the examples are checked](verification.md).\n"
    )


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """MkDocs hook: render the walkthrough markers of a page, and put the
    versions it was verified with under the title of each framework page."""
    markdown = render_markers(markdown, page.file.src_path)
    framework = Path(page.file.src_path).stem
    if installed_versions(framework):
        title, newline, rest = markdown.partition("\n")
        markdown = f"{title}{newline}\n{render_verified(framework)}\n{rest}"
    return markdown


# --------------------------------------------------------------------------
# In-process: the framework's own test client
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Response:
    """What came back, the same shape from every client."""

    status: int
    content_type: str
    text: str
    headers: dict[str, str] = dataclasses.field(default_factory=dict)

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


def import_snippet(path: Path) -> Any:
    """Import a snippet file as a fresh module; never as `__main__`.

    The module name is derived from the path, so two `app.py` files of two
    pages do not collide.
    """
    name = "snippet_" + re.sub(r"\W", "_", str(path.relative_to(SNIPPETS)))[:-3]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def app_of(w: Walkthrough, step: Step) -> Any:
    """The application object of a serve step: its `app` expression, evaluated
    in the namespace of the imported snippet.

    Django's settings are global to a process, and the test process holds
    more than one Django example. So the in-process layer configures Django
    once (`setup_django`), and a single-file Django app that would configure it
    itself gets its own `settings.configure(...)` values as overrides around
    each request instead.
    """
    django = "django" in (w.framework, w.name)
    if django:
        setup_django(walkthrough("django.blog"))
    module = import_snippet(w.snippet(step))
    app = eval(step.app or "app", vars(module))  # noqa: S307 - our own data
    if django and w.framework != "django":
        app = _with_own_settings(module)
    return app


def _with_own_settings(module: Any) -> Any:
    """A WSGI app running `module`'s Django app under its own settings."""
    from django.test import override_settings

    source = Path(module.__file__).read_text()
    overrides = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "settings.configure":
            for kw in node.keywords:
                is_name = isinstance(kw.value, ast.Name) and kw.value.id == "__name__"
                overrides[kw.arg] = module.__name__ if is_name else ast.literal_eval(kw.value)

    from django.core.handlers.wsgi import WSGIHandler

    with override_settings(**overrides):
        handler = WSGIHandler()  # its middleware is loaded from the app's own settings

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with override_settings(**overrides):
            return list(handler(environ, start_response))

    return wsgi


class _Flask:
    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def get(self, path: str) -> Response:
        r = self.client.get(path, follow_redirects=True)
        return Response(r.status_code, r.headers.get("Content-Type", ""), r.get_data(as_text=True))

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        r = self.client.open(path, method=method, data=body, headers=headers or {})
        h = _lower(r.headers)
        return Response(r.status_code, h.get("content-type", ""), r.get_data(as_text=True), h)


class _Starlette:
    def __init__(self, app: Any) -> None:
        from starlette.testclient import TestClient

        self.client = TestClient(app, raise_server_exceptions=False)

    def get(self, path: str) -> Response:
        r = self.client.get(path)
        return Response(r.status_code, r.headers.get("content-type", ""), r.text)

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        r = self.client.request(method, path, content=body, headers=headers, follow_redirects=False)
        h = _lower(r.headers)
        return Response(r.status_code, h.get("content-type", ""), r.text, h)


class _WebTest:
    def __init__(self, app: Any) -> None:
        import webtest

        self.client = webtest.TestApp(app)

    def get(self, path: str) -> Response:
        r = self.client.get(path, expect_errors=True)
        for _ in range(5):
            if r.status_int not in (301, 302, 303, 307, 308):
                break
            r = r.follow(expect_errors=True)
        return Response(r.status_int, r.headers.get("Content-Type", ""), r.text)

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        r = self.client.request(
            path, method=method, body=body or b"", headers=headers or {}, expect_errors=True
        )
        h = _lower(r.headers)
        return Response(r.status_int, h.get("content-type", ""), r.text, h)


class _Tornado:
    """Tornado's testing tools serve the app on an unused loopback port in a
    background event loop; its own HTTPClient makes the calls."""

    def __init__(self, app: Any) -> None:
        import asyncio

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

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> Response:
        from tornado.httpclient import HTTPClient

        client = HTTPClient()
        try:
            r = client.fetch(self.url(path), raise_error=False)
        finally:
            client.close()
        return Response(r.code, r.headers.get("Content-Type", ""), r.body.decode())

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        from tornado.httpclient import HTTPClient

        client = HTTPClient()
        try:
            r = client.fetch(
                self.url(path),
                method=method,
                body=body if body is not None or method not in ("POST", "PUT") else b"",
                headers=headers,
                raise_error=False,
                follow_redirects=False,
                allow_nonstandard_methods=True,
            )
        finally:
            client.close()
        h = _lower(r.headers)
        return Response(r.code, h.get("content-type", ""), r.body.decode(errors="replace"), h)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.stop)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class _Django:
    def __init__(self) -> None:
        from django.test import Client as DjangoClient

        self.client = DjangoClient(raise_request_exception=False)

    def get(self, path: str) -> Response:
        r = self.client.get(path, follow=True)
        return Response(r.status_code, r.get("Content-Type", ""), r.content.decode())

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        headers = dict(headers or {})
        content_type = headers.pop("Content-Type", "application/octet-stream")
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        r = self.client.generic(method, path, body or b"", content_type, **extra)
        h = _lower(r.headers)
        return Response(r.status_code, h.get("content-type", ""), r.content.decode(), h)


def setup_django(w: Walkthrough) -> None:
    """Configure Django in this process from the walkthrough's snippets.

    The reader's `posts` app is imported from the snippet folder, and
    `INSTALLED_APPS` is the one the page tells the reader to write; the rest
    is what `startproject` generates. The database is SQLite in memory.
    """
    import django
    from django.conf import settings

    if settings.configured:
        return
    edit = next(s for s in w.steps if s.edit)
    project = (w.source / edit.edit).parent.parent
    sys.path.insert(0, str(project))
    fragment: dict[str, Any] = {}
    source = w.source / edit.edit
    exec(compile(source.read_text(), str(source), "exec"), fragment)  # noqa: S102 - our snippet
    settings.configure(
        DEBUG=False,
        SECRET_KEY="in-process-tests-only",
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=fragment["INSTALLED_APPS"],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        ROOT_URLCONF="harness",
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        MIGRATION_MODULES={"posts": None},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        STATIC_URL="static/",
        USE_TZ=True,
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def __getattr__(name: str) -> Any:
    # `urlpatterns` for the in-process Django project: the URLconf that
    # startproject generates, which routes /admin/ to the admin site.
    if name == "urlpatterns":
        from django.contrib import admin
        from django.urls import path

        return [path("admin/", admin.site.urls)]
    raise AttributeError(name)


_CLIENTS = {"flask": _Flask, "fastapi": _Starlette, "tornado": _Tornado}


def client_type(w: Walkthrough) -> type:
    """The test client class for a walkthrough's framework (WebTest for any
    WSGI app). On the Compare page each walkthrough is named after its
    framework."""
    kind = w.name if w.framework == "compare" else w.framework
    return _CLIENTS.get(kind, _WebTest)


@contextlib.contextmanager
def client_for(w: Walkthrough, step: Step) -> Iterator[Client]:
    """The framework's own test client around a serve step's app.

    Flask's test client, Starlette's TestClient, WebTest for the WSGI
    frameworks (Pyramid, Bottle, CherryPy), Tornado's testing tools, and
    Django's test Client.
    """
    if w.framework == "django":
        setup_django(w)
        yield _Django()
        return
    client = client_type(w)(app_of(w, step))
    try:
        yield client
    finally:
        if hasattr(client, "close"):
            client.close()


# --------------------------------------------------------------------------
# Checking what came back
# --------------------------------------------------------------------------


def where(w: Walkthrough, step: Step) -> str:
    """The prefix of every failure: page, snippet, step."""
    snippet = w.snippet(step).relative_to(ROOT) if step.serve else w.source.relative_to(ROOT)
    return f"{w.page} ({snippet}, step {step.id!r})"


def check_visit(response: Response, visit: Visit, context: str) -> None:
    """Assert that `response` is what the page says the reader sees at `visit`."""
    problems = []
    if response.status != visit.status:
        problems.append(f"status {response.status}, page says {visit.status}")
    if visit.content_type and response.content_type.lower() != visit.content_type.lower():
        problems.append(
            f"content type {response.content_type!r}, page says {visit.content_type!r}"
        )
    if visit.json is not None:
        try:
            got = response.json()
        except ValueError:
            got = f"<not JSON: {response.text[:200]!r}>"
        if got != visit.json:
            problems.append(f"JSON {got!r}, page says {visit.json!r}")
    if visit.body is not None and response.text != visit.body:
        problems.append(f"body {response.text[:300]!r}, page says {visit.body!r}")
    for text in visit.contains:
        if text not in response.text:
            problems.append(f"body lacks {text!r}: {response.text[:300]!r}")
    if problems:
        raise AssertionError(f"{context}: GET {visit.url}: " + "; ".join(problems))


BAD_INPUTS = {
    "malformed": "abc",
    "negative": "-1",
    "fraction": "1.5",
    "huge": "9" * 5000,
    "big": "9" * 3000,
    "non-ascii": "Zoë-東京-😀",
    "html": "<script>alert(1)</script>",
}
"""What a careless or hostile reader types in place of each path segment and
query value."""


def bad_urls(visit: Visit) -> list[tuple[str, str]]:
    """`(kind, path)` pairs: the visit's URL with its last path segment, and
    then each query value, replaced by every bad input."""
    from urllib.parse import parse_qsl, quote, urlencode

    parts = urlsplit(visit.url)
    query = parse_qsl(parts.query)
    found = []
    for kind, value in BAD_INPUTS.items():
        head, _, _ = parts.path.rstrip("/").rpartition("/")
        found.append((kind, f"{head}/{quote(value)}" + (f"?{parts.query}" if query else "")))
        for i in range(len(query)):
            changed = [(k, value if j == i else v) for j, (k, v) in enumerate(query)]
            found.append((kind, f"{parts.path}?{urlencode(changed)}"))
    return found


def check_polite(response: Response, context: str) -> None:
    """Bad input gets a clear answer: no 5xx, no traceback, no unescaped HTML."""
    problems = []
    if response.status >= 500:
        problems.append(f"status {response.status}")
    if "Traceback" in response.text:
        problems.append("a traceback in the body")
    if "html" in response.content_type and BAD_INPUTS["html"] in response.text:
        problems.append("the <script> input echoed unescaped into HTML")
    if problems:
        raise AssertionError(f"{context}: " + "; ".join(problems) + f": {response.text[:300]!r}")


# --------------------------------------------------------------------------
# As the reader runs it: real processes, real ports, real HTTP
# --------------------------------------------------------------------------


class PortInUse(RuntimeError):
    """The port a page uses is taken; the message names who holds it."""


def port_owner(port: int) -> str:
    """Who listens on a loopback TCP port: `pid N (command line)`, from /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in {f"socket:[{i}]" for i in inodes}:
                    cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
                    return f"pid {proc.name} ({cmd})"
    return "a process this user cannot see"


def port_is_free(port: int) -> bool:
    """True if nothing accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) != 0


def listening_addresses(port: int) -> set[str]:
    """The local addresses on which something listens on TCP `port`, from
    /proc/net/tcp and tcp6: `{"127.0.0.1"}` for a server only this machine
    can reach, `"0.0.0.0"` or `"::"` for one on every interface."""
    import ipaddress

    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                address, _, hex_port = fields[1].rpartition(":")
                if fields[3] == "0A" and int(hex_port, 16) == port:
                    raw = bytes.fromhex(address)
                    # the kernel prints each 32-bit word in host (little-endian) order
                    raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                    found.add(str(ipaddress.ip_address(raw)))
    return found


def ensure_port_free(port: int) -> None:
    """Raise PortInUse naming the process to stop if `port` is taken."""
    if not port_is_free(port):
        owner = port_owner(port)
        raise PortInUse(
            f"port {port} is already in use by {owner}. The guide's examples use the "
            f"ports their pages show; stop that process (kill it or press Ctrl-C in "
            f"its terminal) and run the checks again."
        )


def reader_env(measure: Path | None = None, omit: tuple[Path, ...] = ()) -> dict[str, str]:
    """The environment of the reader's terminal: this venv's commands first on
    PATH, unbuffered output as on a terminal, pip kept offline so an install
    command passes only if what it names is already installed.

    Under coverage, the reader's copies in `measure` (a `<tmp>/snippets` tree)
    are measured too, and mapped back to `snippets/` by `[tool.coverage.paths]`;
    files in `omit` (generated files a snippet only edits) are not, since their
    lines are not the snippet's.
    """
    env = dict(os.environ)
    if measure and "COVERAGE_PROCESS_CONFIG" in env:
        import base64

        config = json.loads(base64.b64decode(env["COVERAGE_PROCESS_CONFIG"]))
        config["source"] = [*config["source"], str(measure)]
        config["run_omit"] = [*config["run_omit"], *map(str, omit)]
        env["COVERAGE_PROCESS_CONFIG"] = base64.b64encode(json.dumps(config).encode()).decode()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
        PIP_NO_INDEX="1",
        PIP_CONFIG_FILE=os.devnull,
        PIP_FIND_LINKS="",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    env.pop("PYTHONPATH", None)
    return env


_LIVE: set[subprocess.Popen[str]] = set()
"""Servers still running; killed at exit whatever happens."""


def kill_group(proc: subprocess.Popen[str], grace: float = 5.0) -> None:
    """Stop a server's whole process group as a reader would (Ctrl-C), then by
    force; return once the group is gone."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc.poll() is not None and not _group_alive(proc.pid):
                _LIVE.discard(proc)
                return
            time.sleep(0.02)
    _LIVE.discard(proc)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def kill_all() -> None:
    """Kill every server this process started and has not stopped yet."""
    for proc in list(_LIVE):
        kill_group(proc, grace=0.5)


def port_lock(port: int, timeout: float = 60.0) -> socket.socket:
    """Wait for, then hold, this machine's lock on a fixed port.

    Pages share ports (FastAPI's and Django's examples both use 8000), so two
    tests, or two test runs, must not start servers on the same port at once.
    The lock is an abstract Unix socket: it needs no file and is released when
    its holder closes it or dies, whatever the cause.
    """
    deadline = time.monotonic() + timeout
    name = f"\0python-web-frameworks-verified:{port}"
    while True:
        lock = socket.socket(socket.AF_UNIX)
        try:
            lock.bind(name)
            return lock
        except OSError:
            lock.close()
            if time.monotonic() > deadline:
                raise PortInUse(f"waited {timeout:.0f}s for another test using port {port}")
            time.sleep(0.05)


class Server:
    """A server started by the page's command, in its own process group."""

    def __init__(
        self, command: Command, port: int, cwd: Path, context: str, env: dict[str, str] | None = None
    ) -> None:
        self.command, self.port, self.cwd, self.context = command, port, cwd, context
        self.env = env or reader_env()
        self.lines: list[str] = []
        self.base_url = f"http://127.0.0.1:{port}"

    @property
    def output(self) -> str:
        """Everything the server printed so far."""
        return "\n".join(self.lines)

    def __enter__(self) -> Server:
        self.lock = port_lock(self.port)
        try:
            ensure_port_free(self.port)
        except BaseException:
            self.lock.close()
            raise
        self.proc = subprocess.Popen(
            shlex.split(self.command.line),
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        _LIVE.add(self.proc)
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                time.sleep(0.2)
                raise AssertionError(
                    f"{self.context}: `{self.command.line}` exited with code "
                    f"{self.proc.returncode} before serving on port {self.port}:\n{self.output}"
                )
            printed = all(text in self.output for text in self.command.output)
            if printed and not port_is_free(self.port):
                return
            time.sleep(0.05)
        missing = [t for t in self.command.output if t not in self.output]
        raise AssertionError(
            f"{self.context}: `{self.command.line}` did not "
            + (f"print {missing}" if missing else f"answer on port {self.port}")
            + f" within {START_TIMEOUT:.0f}s; it printed:\n{self.output}"
        )

    def __exit__(self, *exc: object) -> None:
        try:
            self._settle()
            kill_group(self.proc)
        finally:
            self.lock.close()

    def _settle(self, quiet: float = 0.3, limit: float = 3.0) -> None:
        # A reader presses Ctrl-C after the last page has loaded, not while the
        # server is still logging it: wait until its output has been quiet.
        deadline = time.monotonic() + limit
        seen = -1
        while time.monotonic() < deadline and seen != len(self.lines):
            seen = len(self.lines)
            time.sleep(quiet)

    def printed(self, text: str, times: int = 1, timeout: float = 5.0) -> bool:
        """True once the server has printed `text` (at least `times` times);
        False if it has not within `timeout` seconds. Output arrives through a
        pipe, read by another thread, a moment after the server writes it."""
        deadline = time.monotonic() + timeout
        while self.output.count(text) < times:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    @property
    def returncode(self) -> int | None:
        """The exit code once stopped: 0 if it took Ctrl-C as a reader expects."""
        return self.proc.poll()


def http_get(url: str) -> Response:
    """GET a URL over real HTTP, following redirects like a browser."""
    import httpx2

    r = httpx2.get(url, follow_redirects=True, timeout=10)
    return Response(r.status_code, r.headers.get("content-type", ""), r.text)


class HTTPClient:
    """The same interface as the test clients, over real HTTP to `base_url`."""

    def __init__(self, base_url: str) -> None:
        import httpx2

        self.base_url = base_url
        self.client = httpx2.Client(base_url=base_url, timeout=10)

    def get(self, path: str) -> Response:
        r = self.client.get(path, follow_redirects=True)
        return Response(r.status_code, r.headers.get("content-type", ""), r.text, _lower(r.headers))

    def request(self, method, path, body=None, headers=None):  # type: ignore[no-untyped-def]
        r = self.client.request(method, path, content=body, headers=headers)
        h = _lower(r.headers)
        return Response(r.status_code, h.get("content-type", ""), r.text, h)

    def close(self) -> None:
        self.client.close()


def check_websocket(visit: Visit, context: str) -> None:
    """Open a real WebSocket, send the page's messages, compare what comes back."""
    from websockets.sync.client import connect

    received = []
    with connect(visit.url, open_timeout=10) as ws:
        for message in visit.send:
            ws.send(message)
        for _ in visit.receive:
            received.append(ws.recv(timeout=10))
    if tuple(received) != visit.receive:
        raise AssertionError(
            f"{context}: {visit.url}: received {received!r}, page says {list(visit.receive)!r}"
        )


class Reader:
    """Follows a walkthrough in a fresh temporary folder, as a reader would.

    The folder is `<tmp>/snippets/<framework>/<folder>`, mirroring the repo,
    so coverage maps the copied files back to `snippets/`.
    """

    def __init__(self, w: Walkthrough, tmp: Path, installs: bool = True) -> None:
        self.w = w
        self.home = tmp / "snippets" / w.framework / w.folder
        self.home.mkdir(parents=True)
        self.cwd = self.home
        self.installs = installs
        edited = tuple(self.home / s.edit for s in w.steps if s.edit)
        # Servers run under coverage (their `__main__` blocks count), and so do
        # commands marked `measure` (the reader's tests); the others need not,
        # and start faster without it.
        self.server_env = reader_env(measure=tmp / "snippets", omit=edited)
        self.env = {k: v for k, v in self.server_env.items() if k != "COVERAGE_PROCESS_CONFIG"}

    def run(self, command: Command, context: str) -> str:
        """Type one command. `cd` changes folder; anything else runs in a shell,
        must exit 0 and print each line of its expected output."""
        words = shlex.split(command.line)
        if words[0] == "cd":
            self.cwd = (self.cwd / words[1]).resolve()
            return ""
        if not self.installs and words[1:4] == ["-m", "pip", "install"]:
            return ""
        if command.answers:
            output, code = self._interact(command)
        else:
            with port_lock(command.port) if command.port else contextlib.nullcontext():
                proc = subprocess.run(
                    words,
                    cwd=self.cwd,
                    env=self.server_env if command.measure else self.env,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    timeout=COMMAND_TIMEOUT,
                    start_new_session=True,
                )
            output, code = proc.stdout + proc.stderr, proc.returncode
        if code != 0:
            raise AssertionError(f"{context}: `{command.line}` exited {code}:\n{output}")
        for text in command.output:
            if text not in output:
                raise AssertionError(
                    f"{context}: `{command.line}` did not print {text!r}; it printed:\n{output}"
                )
        return output

    def _interact(self, command: Command) -> tuple[str, int]:
        import pexpect

        child = pexpect.spawn(
            command.line, cwd=str(self.cwd), env=self.env, encoding="utf-8", timeout=30
        )
        try:
            for question, answer in command.answers:
                child.expect_exact(question)
                child.sendline(answer)
            child.expect(pexpect.EOF)
        finally:
            child.close()
        return child.before or "", child.exitstatus or 0

    def copy(self, relative: str) -> None:
        """Save a snippet file where the reader saves it."""
        target = self.home / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.w.source / relative, target)

    def edit(self, relative: str, context: str) -> None:
        """Replace the top-level assignments a snippet shows in a generated file.

        Each name the snippet assigns must already be assigned in the target,
        and must keep every value the generated file had (a reader's edit adds
        to what `startproject` wrote; it does not drop what was there).
        """
        target = self.home / relative
        snippet = (self.w.source / relative).read_text()
        original = target.read_text()
        lines = original.splitlines(keepends=True)
        for node in ast.parse(snippet).body:
            assert isinstance(node, ast.Assign), f"{relative}: only assignments can be edits"
            name = node.targets[0].id  # type: ignore[attr-defined]
            new = ast.get_source_segment(snippet, node)
            old = next(
                (
                    n
                    for n in ast.parse(original).body
                    if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == name
                ),
                None,
            )
            if old is None:
                raise AssertionError(f"{context}: {relative} has no {name} to edit")
            before = ast.literal_eval(old.value)
            after = ast.literal_eval(node.value)
            lost = [v for v in before if v not in after]
            if lost:
                raise AssertionError(f"{context}: the page's {name} drops {lost}")
            start, end = old.lineno - 1, old.end_lineno or old.lineno
            lines[start:end] = [new + "\n"]
            original = "".join(lines)
            lines = original.splitlines(keepends=True)
        target.write_text(original)

    @contextlib.contextmanager
    def serve(self, step: Step) -> Iterator[Server]:
        """Start a serve step's command; check it prints what the page says."""
        assert step.serve and step.port
        with Server(step.serve, step.port, self.cwd, where(self.w, step), self.server_env) as server:
            yield server

    def follow(self) -> Iterator[tuple[Step, Server]]:
        """Do every step in order; yield each server while it runs.

        The caller checks the server's URLs; the server stops when the caller
        asks for the next step.
        """
        for step in self.w.steps:
            context = where(self.w, step)
            for command in step.commands:
                self.run(command, context)
            if step.copy:
                self.copy(step.copy)
            if step.edit:
                self.edit(step.edit, context)
            if step.serve:
                with self.serve(step) as server:
                    yield step, server


def visit_live(server: Server, visit: Visit, context: str) -> None:
    """Open one of the page's URLs on a live server and check what it shows."""
    if visit.is_websocket:
        check_websocket(visit, context)
    else:
        check_visit(http_get(visit.url), visit, context)


def free_port() -> int:
    """A loopback port nobody is using right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main_block_runs(path: Path) -> bool:
    """True if a snippet has an `if __name__ == "__main__":` block."""
    tree = ast.parse(path.read_text())
    return any(
        isinstance(n, ast.If) and "__main__" in ast.unparse(n.test) for n in tree.body
    )


def escaped(text: str) -> str:
    """HTML-escape text the way a page would show it."""
    return html.escape(text)


def tempdir() -> Iterator[Path]:
    """A temporary folder removed afterwards, even on failure."""
    with tempfile.TemporaryDirectory(prefix="verified-") as tmp:
        yield Path(tmp)
