"""Every "Where this differs from the article" box, proven on the article's own code.

The guide's pages fix what the article's samples get wrong, and each fix is
explained in a box titled "Where this differs from the article". A box is a
claim about the *article's* code, so the suite keeps that code, exactly as the
article prints it, in `tests/article/` (no page includes it) and runs it the
way the article says: saved under the name it gives, started with its
command, on its port (the port the guide's page uses too), in an empty folder.

Each case is one statement of one box, with the failure the box names. The
cases of one sample share one server: the test for a sample starts it once,
runs the cases that need no server, then those that do (in the order listed,
the ones that break the server last), then those that look at how it stopped.
A box with no case, or a case whose words are no longer in its box, fails
`test_every_box_has_its_cases`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest

from guide.clients import loopback_client
from guide.imports import import_file
from guide.paths import DOCS, ROOT, SNIPPETS
from guide.processes import Server, listening_addresses, reader_env
from guide.reader import COMMAND_TIMEOUT, Reader
from guide.walkthroughs import Command, step, walkthrough

ARTICLE = Path(__file__).parent / "article"
BOX = re.compile(
    r'^!!! \w+ "(?P<title>Where this differs from the article[^"]*)"\n(?P<body>(?:\n|    .*\n)*)',
    re.MULTILINE,
)


def boxes(page: str) -> list[str]:
    """The text of each "differs from the article" box on a page, joined into
    one line per box so that phrases can be looked up across line breaks."""
    text = (DOCS / page).read_text()
    return [" ".join((m["title"] + m["body"]).split()) for m in BOX.finditer(text)]


@dataclasses.dataclass(frozen=True)
class Sample:
    """One of the article's samples and how the article says to run it.

    `port_of` names the guide's serve step whose port the article uses too;
    `ready` is what the server prints once it serves (`{port}` filled in).
    """

    key: str
    file: str | None
    saved_as: str
    command: str
    port_of: str
    ready: tuple[str, ...] = ()

    @property
    def port(self) -> int:
        port = step(self.port_of)[1].port
        assert port
        return port

    def output(self) -> tuple[str, ...]:
        return tuple(text.format(port=self.port) for text in self.ready)


SAMPLES = {
    s.key: s
    for s in (
        Sample("flask_hello", "flask_hello.py", "app.py", "python app.py", "flask.hello.serve",
               ("Debugger PIN",)),
        Sample("flask_items", "flask_items.py", "app.py", "python app.py", "flask.items.serve",
               ("Running on http://127.0.0.1:{port}",)),
        Sample("fastapi", "fastapi_main.py", "main.py", "uvicorn main:app --reload",
               "fastapi.items.serve", ("Application startup complete",)),
        Sample("pyramid", "pyramid_app.py", "app.py", "python app.py", "pyramid.hello.serve"),
        Sample("bottle", "bottle_app.py", "app.py", "python app.py", "bottle.service.serve",
               ("Hit Ctrl-C to quit.",)),
        Sample("cherrypy", "cherrypy_app.py", "app.py", "python app.py", "cherrypy.hello.serve",
               ("ENGINE Bus STARTED",)),
        Sample("tornado", "tornado_app.py", "app.py", "python app.py", "tornado.realtime.serve"),
        Sample("django", None, "", "", "django.blog.serve"),
    )
}


@dataclasses.dataclass
class Run:
    """What a case looks at: the sample, the folder holding the article's
    file, and its server (None before it starts; stopped for `after` cases)."""

    sample: Sample
    folder: Path
    server: Server | None = None

    @property
    def live(self) -> Server:
        assert self.server, "this case needs the server"
        return self.server

    def get(self, path: str, **kw) -> httpx2.Response:  # type: ignore[no-untyped-def]
        with loopback_client(self.live.base_url) as client:
            return client.get(path, **kw)

    def post(self, path: str, body: bytes) -> httpx2.Response:
        headers = {"Content-Type": "application/json"}
        with loopback_client(self.live.base_url) as client:
            return client.post(path, content=body, headers=headers)

    def python(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run this venv's Python in the folder, as the reader's terminal would."""
        return subprocess.run(
            [sys.executable, *args], cwd=self.folder, env=reader_env(), capture_output=True,
            text=True, timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL, check=False,
        )


@dataclasses.dataclass(frozen=True)
class Case:
    """One statement of a box: `says` is a phrase of the box on `page`;
    `check` asserts the failure it names. `when`: "before" the sample's server
    starts (or without one), "serving", or "after" it stopped."""

    id: str
    sample: str
    page: str
    says: str
    check: Callable[[Run], None]
    when: str = "serving"


def shows(r: httpx2.Response) -> str:
    return f"{r.request.method} {r.request.url.raw_path[:60]!r} -> {r.status_code} " + (
        f"{r.headers.get('content-type')} {r.text[:300]!r}"
    )


# --------------------------------------------------------------------------
# Flask
# --------------------------------------------------------------------------


def flask_debugger(run: Run) -> None:
    """`app.run(debug=True)` turns on Werkzeug's debugger. Its console at
    /console runs Python typed in the browser once the PIN printed in the
    terminal is given, and refuses a request whose Host is not `localhost` or
    `127.0.0.1`, even with the PIN. The PIN is not random: it is what Werkzeug
    computes in any process for any Flask app run by this user with this Flask
    on this machine."""
    from flask import Flask
    from werkzeug.debug import get_pin_and_cookie_name

    server = run.live
    port = run.sample.port
    assert "Debugger is active!" in server.output, server.output
    pin = re.search(r"Debugger PIN: (\d{3}-\d{3}-\d{3})", server.output)
    assert pin, server.output
    computed, _ = get_pin_and_cookie_name(Flask("any_other_app"))
    assert pin[1] == computed, f"printed PIN {pin[1]}, computed for another Flask app {computed}"
    console = run.get("/console")
    secret = re.search(r'SECRET = "(\w+)"', console.text)
    assert console.status_code == 200 and "EVALEX_TRUSTED = false" in console.text and secret, (
        shows(console)
    )
    command = {"__debugger__": "yes", "cmd": "6*7", "frm": "0", "s": secret[1]}
    refused = run.get("/console", params=command)
    assert refused.status_code == 404, f"a command without the PIN: {shows(refused)}"
    with loopback_client(server.base_url) as client:
        auth = {"__debugger__": "yes", "cmd": "pinauth", "pin": pin[1], "s": secret[1]}
        assert client.get("/console", params=auth).json() == {"auth": True, "exhausted": False}
        for host, status in ((f"127.0.0.1:{port}", 200), (f"localhost:{port}", 200),
                             (f"192.0.2.1:{port}", 400)):
            ran = client.get("/console", params=command, headers={"Host": host})
            assert ran.status_code == status, f"with the PIN, Host {host}: {shows(ran)}"
            assert status != 200 or ">>> 6*7" in ran.text and "42" in ran.text, shows(ran)


def flask_debugger_in_process(run: Run) -> None:
    """What the debugger does that takes an error or a guesser: an exception
    in a view becomes the debugger's page, a traceback with the source line
    that raised; ten wrong PINs lock the console, the right PIN included. The
    article's app has no view that raises, so one is added, and the app is
    wrapped the way `app.run(debug=True)` wraps it (`DebuggedApplication`,
    console on). Werkzeug pauses after each wrong PIN (half a second, then
    five); that pause is skipped here, the count is Werkzeug's own."""
    from unittest import mock

    from werkzeug.debug import DebuggedApplication
    from werkzeug.test import Client

    module = import_file(run.folder / run.sample.saved_as, "article_flask_hello")
    module.app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    module.app.debug = True  # what app.run(debug=True) sets before it serves
    debugged = DebuggedApplication(module.app, evalex=True)
    client = Client(debugged)
    page = client.get("/boom")
    text = page.get_data(as_text=True)
    assert page.status_code == 500 and "Traceback" in text and "ZeroDivisionError" in text, text[:300]
    assert "lambda: 1 / 0" in text, "the traceback shows no source line"
    secret = debugged.secret
    wrong = "000-000-000" if debugged.pin != "000-000-000" else "111-111-111"

    def pinauth(pin: str) -> object:
        query = {"__debugger__": "yes", "cmd": "pinauth", "pin": pin, "s": secret}
        return client.get("/console", query_string=query).json

    with mock.patch("werkzeug.debug.time.sleep"):
        answers = [pinauth(wrong) for _ in range(10)]
    assert answers == [{"auth": False, "exhausted": False}] * 10, answers
    right = pinauth(debugged.pin)
    assert right == {"auth": False, "exhausted": True}, f"the right PIN after ten wrong: {right}"


def flask_html_errors(run: Run) -> None:
    """A missing item is JSON, but `abc` (refused by `<int:…>`) gets Flask's
    HTML 404 page and a POST its HTML 405 page."""
    missing = run.get("/api/items/3")
    assert (missing.status_code, missing.json()) == (404, {"error": "Item not found"}), shows(missing)
    for r, status in ((run.get("/api/items/abc"), 404), (run.post("/api/items", b"{}"), 405)):
        assert r.status_code == status and r.headers["content-type"].startswith("text/html"), shows(r)
        assert r.text.startswith("<!doctype html>"), shows(r)


# --------------------------------------------------------------------------
# FastAPI
# --------------------------------------------------------------------------

MODERN_HINTS = """
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()

class Item(BaseModel):
    id: int
    name: str
    description: str | None = None

@app.get("/items/")
async def read_items() -> list[Item]:
    return []
"""
"""The article's model and list endpoint, with the type hints the guide uses."""


def fastapi_same_schema(run: Run) -> None:
    """`List[Item]` and `Optional[str]` describe exactly what `list[Item]` and
    `str | None` do: the same Item schema and the same list response."""
    (run.folder / "modern.py").write_text(MODERN_HINTS)
    old = import_file(run.folder / "main.py", "article_fastapi_main").app.openapi()
    new = import_file(run.folder / "modern.py", "article_fastapi_modern").app.openapi()

    def item(s):  # type: ignore[no-untyped-def]
        return s["components"]["schemas"]["Item"]

    def listed(s):  # type: ignore[no-untyped-def]
        return s["paths"]["/items/"]["get"]["responses"]["200"]

    assert item(old) == item(new), (item(old), item(new))
    assert listed(old) == listed(new), (listed(old), listed(new))


def fastapi_duplicate_ids(run: Run) -> None:
    """`create_item` appends whatever it gets, answers 200, and a second item
    with id 1 can never be read on its own."""
    created = run.post("/items/", b'{"id": 1, "name": "Another hammer"}')
    assert created.status_code == 200, shows(created)
    ids = [i["id"] for i in run.get("/items/").json()]
    one = run.get("/items/1").json()
    assert ids == [1, 2, 1] and one["name"] == "Hammer", (ids, one)


def fastapi_non_json_numbers(run: Run) -> None:
    """NaN, Infinity and 1e400 pass Python's JSON parser; FastAPI's 422 then
    cannot be written and the client gets a 500."""
    for body in (b'{"id": NaN, "name": "x"}', b'{"id": 1e400, "name": "x"}',
                 b'{"id": Infinity, "name": "x"}'):
        r = run.post("/items/", body)
        assert (r.status_code, r.text) == (500, "Internal Server Error"), f"{body!r}: {shows(r)}"
    assert run.live.printed("ValueError: Out of range float values are not JSON compliant")


def fastapi_half_an_emoji(run: Run) -> None:
    """A lone surrogate is accepted as a name and stored; from then on every
    GET /items/ is a 500 (so this case runs last)."""
    stored = run.post("/items/", b'{"id": 3, "name": "\\ud83d"}')
    assert stored.status_code == 500, shows(stored)
    for _ in range(2):
        listed = run.get("/items/")
        assert listed.status_code == 500, shows(listed)
    assert run.live.printed("surrogates not allowed")


# --------------------------------------------------------------------------
# Pyramid
# --------------------------------------------------------------------------


def pyramid_every_interface(run: Run) -> None:
    assert listening_addresses(run.sample.port) == {"0.0.0.0"}, listening_addresses(run.sample.port)


def pyramid_silent_start(run: Run) -> None:
    """Serving, yet nothing printed names an address or port."""
    assert run.get("/").text == "Hello from Pyramid!"
    printed = run.live.output
    assert str(run.sample.port) not in printed and "http://" not in printed, printed


def pyramid_app_only_under_main(run: Run) -> None:
    """Importing the module gives no application to hand to a server."""
    done = run.python("-c", "import app; print(sorted(n for n in vars(app) if not n.startswith('_')))")
    assert done.returncode == 0 and "'app'" not in done.stdout, done


def pyramid_bad_utf8(run: Run) -> None:
    r = run.get("/%FF")
    assert r.status_code == 500 and r.headers["content-type"] == "text/plain", shows(r)
    assert run.live.printed("pyramid.exceptions.URLDecodeError"), run.live.output


def pyramid_ctrl_c_traceback(run: Run) -> None:
    server = run.live
    assert server.printed("KeyboardInterrupt") and "Traceback" in server.output, server.output


# --------------------------------------------------------------------------
# Bottle
# --------------------------------------------------------------------------


def bottle_debug_traceback(run: Run) -> None:
    """3000 nines: 500, and debug mode puts the traceback with this
    machine's file paths on the visitor's page."""
    r = run.get("/square/" + "9" * 3000)
    assert r.status_code == 500 and "Traceback" in r.text and "Exceeds the limit" in r.text, shows(r)
    assert str(run.folder / "app.py") in r.text, "the page shows no file path"


def bottle_global_app(run: Run) -> None:
    """`@route` fills Bottle's one process-wide default app, which any other
    module's `@route` also fills."""
    other = "import bottle\n@bottle.route('/other')\ndef other():\n    return 'x'\n"
    (run.folder / "other.py").write_text(other)
    code = "import app, other, bottle; print(sorted(r.rule for r in bottle.default_app().routes))"
    done = run.python("-c", code)
    expected = "['/greet/<name>', '/other', '/square/<number:int>']"
    assert done.returncode == 0 and done.stdout.strip() == expected, done


def bottle_localhost(run: Run) -> None:
    """`localhost` keeps it private too, and it prints the name, not the address."""
    port = run.sample.port
    assert listening_addresses(port) == {"127.0.0.1"}, listening_addresses(port)
    assert f"Listening on http://localhost:{port}/" in run.live.output, run.live.output


# --------------------------------------------------------------------------
# CherryPy
# --------------------------------------------------------------------------


def cherrypy_reflected_script(run: Run) -> None:
    r = run.get("/greet?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), shows(r)
    assert r.text == "Hello, <script>alert(1)</script>!", shows(r)


def cherrypy_repeated_parameter(run: Run) -> None:
    crash = run.get("/add?a=1&a=2")
    assert crash.status_code == 500 and "Traceback" in crash.text and "TypeError" in crash.text, (
        shows(crash)
    )
    listed = run.get("/greet?name=A&name=B")
    assert (listed.status_code, listed.text) == (200, "Hello, ['A', 'B']!"), shows(listed)


def cherrypy_error_as_success(run: Run) -> None:
    r = run.get("/add?a=five&b=3")
    assert (r.status_code, r.text) == (200, "Please provide integer values."), shows(r)


def cherrypy_traceback_on_404(run: Run) -> None:
    r = run.get("/greet?nickname=Al")
    assert r.status_code == 404 and "Traceback (most recent call last)" in r.text, shows(r)


def cherrypy_no_config(run: Run) -> None:
    """The checker's warning, the autoreloader, and a restart when app.py
    changes. The file's modification time is moved ahead rather than waited
    for; the autoreloader notes each file's time on its first pass (about a
    second after the start), so it is moved again until the restart shows."""
    server = run.live
    assert "The Application mounted at '' has an empty config." in server.output, server.output
    assert "Started monitor thread 'Autoreloader'" in server.output, server.output
    source = run.folder / "app.py"
    start = source.stat().st_mtime
    for ahead in range(5, 100, 5):
        os.utime(source, (start + ahead, start + ahead))
        if server.printed("ENGINE Restarting because", timeout=0.5):
            break
    assert server.printed("ENGINE Restarting because", timeout=5), server.output
    assert server.printed("ENGINE Bus STARTED", times=2, timeout=10), server.output


# --------------------------------------------------------------------------
# Tornado
# --------------------------------------------------------------------------


def tornado_missing_import(run: Run) -> None:
    """`python app.py` stops before serving, with the error the box quotes."""
    done = run.python("app.py")
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode == 1 and last == "AttributeError: module 'tornado' has no attribute 'websocket'", done


def tornado_every_interface(run: Run) -> None:
    """With only the missing import added, the article's listen() binds every
    interface, and Ctrl-C ends in a KeyboardInterrupt traceback."""
    port = run.sample.port
    command = Command(
        f"{sys.executable} -c \"import runpy, tornado.websocket; runpy.run_path('app.py', run_name='__main__')\"",
        output=(f"Server starting on http://127.0.0.1:{port}",),
    )
    with Server(command, port, run.folder, "tornado: the article's app.py") as server:
        addresses = listening_addresses(port)
    assert addresses in ({"0.0.0.0", "::"}, {"0.0.0.0"}), addresses
    assert server.printed("KeyboardInterrupt"), server.output


# --------------------------------------------------------------------------
# Django
# --------------------------------------------------------------------------


def django_app_never_installed(run: Run) -> None:
    """The article's commands and its two files: `makemigrations` finds
    nothing, the admin registers no Post; with the app label the guide passes,
    the same mistake stops with a clear error instead."""
    w = walkthrough("django.blog")
    create = w.step("create")
    reader = Reader(dataclasses.replace(w, steps=(create,)), run.folder, installs=False)
    reader.do(create)
    for name in ("models.py", "admin.py"):
        shutil.copyfile(ARTICLE / "django" / "posts" / name, reader.cwd / "posts" / name)
    context = "the article's Django steps"
    made = reader.run(Command("python manage.py makemigrations"), context)
    assert made.strip() == "No changes detected", made

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["python", "manage.py", *args], cwd=reader.cwd, env=reader_env(), capture_output=True,
            text=True, timeout=COMMAND_TIMEOUT, check=False,
        )

    labelled = manage("makemigrations", "posts")
    assert labelled.returncode != 0 and "No installed app with label 'posts'." in labelled.stderr, labelled
    registered = "from django.contrib import admin; print(sorted(m._meta.label for m in admin.site._registry))"
    shown = manage("shell", "-c", registered)
    assert shown.returncode == 0 and "auth.User" in shown.stdout and "posts" not in shown.stdout, shown


# --------------------------------------------------------------------------
# The cases, box by box
# --------------------------------------------------------------------------

FLASK, FASTAPI, PYRAMID, BOTTLE, CHERRYPY, TORNADO, DJANGO = (
    f"{page}.md" for page in ("flask", "fastapi", "pyramid", "bottle", "cherrypy", "tornado", "django")
)

CASES = [
    Case("flask-debugger", "flask_hello", FLASK, "asks for the PIN", flask_debugger),
    Case("flask-pin", "flask_hello", FLASK, "the same for every Flask app you run", flask_debugger),
    Case("flask-lockout", "flask_hello", FLASK, "after ten wrong PINs", flask_debugger_in_process,
         "before"),
    Case("flask-tracebacks", "flask_hello", FLASK, "a traceback with your source code",
         flask_debugger_in_process, "before"),
    Case("flask-html-errors", "flask_items", FLASK, "Flask sends its built-in **HTML** 404 page",
         flask_html_errors),
    Case("fastapi-hints", "fastapi", FASTAPI, "The behavior is the same", fastapi_same_schema, "before"),
    Case("fastapi-duplicates", "fastapi", FASTAPI, "the list then holds two items with id 1",
         fastapi_duplicate_ids),
    Case("fastapi-nan", "fastapi", FASTAPI, "`NaN`, `Infinity` or `1e400` as a value",
         fastapi_non_json_numbers),
    Case("fastapi-surrogate", "fastapi", FASTAPI,
         "answers `500` to every visitor until the server restarts", fastapi_half_an_emoji),
    Case("pyramid-main", "pyramid", PYRAMID, "The app is built only under `__main__`.",
         pyramid_app_only_under_main, "before"),
    Case("pyramid-bind", "pyramid", PYRAMID, "It binds to `'0.0.0.0'`", pyramid_every_interface),
    Case("pyramid-silent", "pyramid", PYRAMID, "It prints nothing when it starts.", pyramid_silent_start),
    Case("pyramid-utf8", "pyramid", PYRAMID, "For a request like `/%FF` it raises `URLDecodeError`",
         pyramid_bad_utf8),
    Case("pyramid-ctrl-c", "pyramid", PYRAMID, "prints a `KeyboardInterrupt` traceback",
         pyramid_ctrl_c_traceback, "after"),
    Case("bottle-global-app", "bottle", BOTTLE, "a single global application", bottle_global_app, "before"),
    Case("bottle-debug", "bottle", BOTTLE,
         "the 3000-digit square described below produced exactly such a page", bottle_debug_traceback),
    Case("bottle-localhost", "bottle", BOTTLE, "it matches the address Bottle prints", bottle_localhost),
    Case("cherrypy-xss", "cherrypy", CHERRYPY, "made the browser run that script", cherrypy_reflected_script),
    Case("cherrypy-repeated", "cherrypy", CHERRYPY, "`Hello, ['A', 'B']!`", cherrypy_repeated_parameter),
    Case("cherrypy-200", "cherrypy", CHERRYPY, "came with status `200 OK`", cherrypy_error_as_success),
    Case("cherrypy-tracebacks", "cherrypy", CHERRYPY,
         "even a harmless `404` for an unexpected parameter came with a Python traceback",
         cherrypy_traceback_on_404),
    Case("cherrypy-config", "cherrypy", CHERRYPY, "has an empty config.", cherrypy_no_config),
    Case("tornado-import", "tornado", TORNADO,
         "AttributeError: module 'tornado' has no attribute 'websocket'", tornado_missing_import, "before"),
    Case("tornado-bind", "tornado", TORNADO, "which listens on all of your computer's addresses",
         tornado_every_interface, "before"),
    Case("tornado-ctrl-c", "tornado", TORNADO, "ends in a `KeyboardInterrupt` traceback",
         tornado_every_interface, "before"),
    Case("django-install", "django", DJANGO, "prints `No changes detected`", django_app_never_installed,
         "before"),
    Case("django-label", "django", DJANGO, "`No installed app with label 'posts'.`",
         django_app_never_installed, "before"),
]


def cases_of(sample: Sample) -> list[Case]:
    """A sample's cases, each check once (two statements may share one check)."""
    found: list[Case] = []
    for case in CASES:
        if case.sample == sample.key and all(c.check is not case.check for c in found):
            found.append(case)
    return found


@pytest.mark.server
@pytest.mark.parametrize("sample", SAMPLES.values(), ids=lambda s: s.key)
def test_article_sample(sample: Sample, tmp_path: Path) -> None:
    """Save the article's file as the article says, start it once with the
    article's command on its port, and see, case by case, the failure each
    box statement names."""
    run = Run(sample, tmp_path)
    if sample.file:
        shutil.copyfile(ARTICLE / sample.file, tmp_path / sample.saved_as)
    failures: list[str] = []

    def attempt(case: Case) -> None:
        try:
            case.check(run)
        except AssertionError as error:
            failures.append(f"docs/{case.page}: {case.says!r} ({case.id}) [the article's code]: {error}")

    cases = cases_of(sample)
    for case in (c for c in cases if c.when == "before"):
        attempt(case)
    if any(c.when != "before" for c in cases):
        context = f"the article's {sample.file} ({sample.command})"
        command = Command(sample.command, output=sample.output())
        with Server(command, sample.port, tmp_path, context) as server:
            run.server = server
            for case in (c for c in cases if c.when == "serving"):
                attempt(case)
        for case in (c for c in cases if c.when == "after"):
            attempt(case)
    assert not failures, "\n".join(failures)


def test_every_box_has_its_cases() -> None:
    """Each box on each page has at least one case, and each case's phrase is
    still in a box of its page (a reworded box must bring its test along)."""
    found = {p.name: boxes(p.name) for p in DOCS.glob("*.md")}
    stale = [c.id for c in CASES if not any(c.says in box for box in found[c.page])]
    assert not stale, f"cases whose words are in no box of their page: {stale}"
    untested = [
        f"docs/{page}: {box[:80]}"
        for page, texts in found.items()
        for box in texts
        if not any(c.page == page and c.says in box for c in CASES)
    ]
    assert not untested, f"boxes no case proves: {untested}"


def test_the_samples_are_only_test_data() -> None:
    """No page, snippet or engine module includes or reads the article's code:
    it is kept to be run by this module, not shown."""
    users = [
        str(p.relative_to(ROOT))
        for folder in (DOCS, SNIPPETS, ROOT / "guide")
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in {".md", ".py", ".yml", ".html"} and "tests/article" in p.read_text()
    ]
    assert not users, f"files that include the article's code: {users}"
    for sample in SAMPLES.values():
        if sample.file:
            assert (ARTICLE / sample.file).is_file(), sample.file
