"""What docs/cherrypy.md claims about CherryPy beyond what every page is checked for.

tests/test_walkthroughs.py already opens every URL the page lists, in-process
and over real HTTP, feeds them bad input, and checks that every server listens
on 127.0.0.1 only and stops cleanly on Ctrl-C. These tests check the rest:

- more of the page's rules about query parameters (HTML escaped, repeated
  names, numbers too long for Python, unexpected names, extra path segments),
  through CherryPy in-process and over real HTTP;
- `python app.py` starts without the checker's warning and without the
  autoreloader, and serves HTTP/1.1 from CherryPy's own server;
- the config written out in the snippet is CherryPy's default address; its
  server is Cheroot's; and each tool the page names is built in and works;
- only exposed methods are reachable, and parameters arrive as strings or,
  repeated, as lists.
"""

from __future__ import annotations

from pathlib import Path

import cheroot.wsgi
import cherrypy
import cherrypy._cpwsgi_server
import pytest
import webtest

from guide.checks import check_visit, where
from guide.clients import client_for, http_get, import_snippet, loopback_client
from guide.live import LiveServers
from guide.walkthroughs import Visit, walkthrough

HELLO = walkthrough("cherrypy.hello")
SERVE = HELLO.step("serve")
CONTEXT = where(HELLO, SERVE)
HTML = "text/html;charset=utf-8"
BIG = "9" * 4300
"""The longest integer Python converts from text; the sum of two is one digit longer."""

MORE = [
    Visit(
        url="/greet?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        content_type=HTML,
        body="Hello, &lt;script&gt;alert(1)&lt;/script&gt;!",
    ),
    Visit(url="/greet?name=Zo%C3%AB", content_type=HTML, body="Hello, Zoë!"),
    Visit(
        url="/greet?name=A&name=B", status=400, content_type=HTML, body="Please give one name."
    ),
    Visit(
        url="/add?a=1&b=2&b=3",
        status=400,
        content_type=HTML,
        body="Please provide integer values.",
    ),
    Visit(url="/add?a=-4&b=1", content_type=HTML, body="The sum of -4 and 1 is -3."),
    Visit(url="/add?a=7", content_type=HTML, body="The sum of 7 and 0 is 7."),
    Visit(url="/add?a=%2B5&b=007", content_type=HTML, body="The sum of 5 and 7 is 12."),
    Visit(
        url="/add?a=1.5&b=2",
        status=400,
        content_type=HTML,
        body="Please provide integer values.",
    ),
    Visit(
        url=f"/add?a={'9' * 5000}&b=1",
        status=400,
        content_type=HTML,
        body="Please provide integer values.",
    ),
    Visit(
        url=f"/add?a={BIG}&b={BIG}",
        status=400,
        content_type=HTML,
        body="Please provide integer values.",
    ),
    Visit(
        url="/add?a=1&b=2&c=3",
        status=404,
        content_type=HTML,
        contains=("Unexpected query string parameters: c",),
    ),
    Visit(
        url="/greet/Alice/Bob",
        status=404,
        content_type=HTML,
        contains=("Nothing matches the given URI",),
    ),
]
"""Requests the page describes in prose, and what each gets."""


def check_more(get, context: str) -> None:
    for visit in MORE:
        response = get(visit.path)
        check_visit(response, visit, context)
        assert "Traceback" not in response.text, f"{context}: GET {visit.path[:60]}: traceback"


def test_parameters_in_process() -> None:
    """The page's rules about parameters, through CherryPy's own request
    handling (mounted with the snippet's config)."""
    with client_for(HELLO, SERVE) as client:
        check_more(client.get, f"{CONTEXT} [in-process]")


@pytest.mark.server
@pytest.mark.parametrize("ref", ["cherrypy.hello.serve"])
def test_parameters_over_real_http(ref: str, live: LiveServers) -> None:
    """The same rules from `python app.py` over real HTTP."""
    base = live.server(ref).base_url
    check_more(lambda path: http_get(base + path), where(HELLO, SERVE) + " [as the reader runs it]")


def test_no_tracebacks_for_visitors_in_process() -> None:
    """An unexpected parameter gets a 404 page without CherryPy's traceback
    (the article's version shows one): `request.show_tracebacks` is off."""
    with client_for(HELLO, SERVE) as client:
        response = client.get("/greet?nickname=Al")
    assert response.status == 404
    assert '<pre id="traceback"></pre>' in response.text, (
        f"{CONTEXT}: the 404 page shows a traceback: {response.text[:600]!r}"
    )


def test_dispatch_rules_the_page_states() -> None:
    """Only exposed methods are reachable; values arrive as strings, a
    repeated one as a list. Checked on a subclass of the snippet's class,
    mounted with the snippet's config."""
    module = import_snippet(HELLO.snippet(SERVE))

    class Probe(module.HelloWorld):
        def hidden(self):
            return "should not be reachable"

        @cherrypy.expose
        def kind(self, value=None):
            return type(value).__name__

    client = webtest.TestApp(cherrypy.Application(Probe(), "", module.config))
    got = {}
    for path in ("/hidden", "/kind?value=5", "/kind?value=1&value=2"):
        response = client.get(path, expect_errors=True)
        got[path] = (response.status_int, response.text)
    assert got["/hidden"][0] == 404, f"{CONTEXT}: an unexposed method answered {got['/hidden']}"
    assert got["/kind?value=5"] == (200, "str"), got
    assert got["/kind?value=1&value=2"] == (200, "list"), got


# --------------------------------------------------------------------------
# The real server
# --------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("ref", ["cherrypy.hello.serve"])
def test_quiet_start_with_cherrypys_server(ref: str, live: LiveServers) -> None:
    """With the config passed to quickstart, the checker has nothing to warn
    about and no autoreloader starts; the server is CherryPy's own, speaking
    HTTP/1.1."""
    server = live.server(ref)
    context = where(HELLO, SERVE)
    for unwanted in ("CherryPy Checker", "has an empty config", "Autoreloader"):
        assert unwanted not in server.output, f"{context}: printed {unwanted!r}:\n{server.output}"
    with loopback_client(server.base_url) as client:
        response = client.get("/")
    assert (response.http_version, response.headers["server"]) == (
        "HTTP/1.1",
        f"CherryPy/{cherrypy.__version__}",
    ), f"{context}: {response.http_version} from {response.headers['server']}"


# --------------------------------------------------------------------------
# What the page says about CherryPy itself
# --------------------------------------------------------------------------


def test_config_spells_out_cherrypys_defaults() -> None:
    """The address and port in the snippet's config are the ones a fresh
    CherryPy server would use anyway; the server has a pool of ten threads."""
    module = import_snippet(HELLO.snippet(SERVE))
    fresh = cherrypy._cpserver.Server()
    site = module.config["global"]
    written = (site["server.socket_host"], site["server.socket_port"])
    default = (fresh.socket_host, fresh.socket_port)
    page_says = ("127.0.0.1", SERVE.port)
    assert written == default == page_says, (
        f"{CONTEXT}: config says {written}, CherryPy's default is {default}, the page says {page_says}"
    )
    assert fresh.thread_pool == 10, f"docs/cherrypy.md: thread pool of {fresh.thread_pool}"
    assert issubclass(cherrypy._cpwsgi_server.CPWSGIServer, cheroot.wsgi.Server), (
        "docs/cherrypy.md says CherryPy's server is Cheroot"
    )


class ToolsProbe:
    """One page per tool the page names, each tool switched on in config."""

    calls = 0

    @cherrypy.expose
    def count(self) -> str:
        cherrypy.session["n"] = cherrypy.session.get("n", 0) + 1
        return str(cherrypy.session["n"])

    @cherrypy.expose
    def cached(self) -> str:
        ToolsProbe.calls += 1
        return f"computed {ToolsProbe.calls} times"

    @cherrypy.expose
    def latin(self) -> str:
        return "Zoë"

    @cherrypy.expose
    def big(self) -> str:
        return "x" * 5000


def tools_app(static: Path) -> cherrypy.Application:
    (static / "hello.txt").write_text("static hello")
    ToolsProbe.calls = 0
    config = {
        "/count": {"tools.sessions.on": True},
        "/cached": {"tools.caching.on": True},
        "/latin": {"tools.encode.on": True, "tools.encode.encoding": "iso-8859-1"},
        "/big": {"tools.gzip.on": True},
        "/static": {"tools.staticdir.on": True, "tools.staticdir.dir": str(static)},
    }
    return cherrypy.Application(ToolsProbe(), "", config)


def raw_wsgi(app, path: str, headers: dict[str, str]) -> tuple[str, dict[str, str], bytes]:  # type: ignore[no-untyped-def]
    """One request straight through WSGI, body as sent (WebTest would undo the gzip)."""
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": path, **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}}
    setup_testing_defaults(environ)
    started: dict = {}
    body = b"".join(app(environ, lambda status, h, exc=None: started.update(status=status, headers=dict(h))))
    return started["status"], started["headers"], body


def sessions(app, client) -> str | None:  # type: ignore[no-untyped-def]
    counts = [client.get("/count").text for _ in range(3)]
    if counts != ["1", "2", "3"] or "session_id" not in client.cookies:
        return f"three visits counted {counts}, cookies {dict(client.cookies)}"
    return None


def caching(app, client) -> str | None:  # type: ignore[no-untyped-def]
    answers = [client.get("/cached").text for _ in range(2)]
    return None if answers == ["computed 1 times"] * 2 else f"two visits: {answers}"


def encode(app, client) -> str | None:  # type: ignore[no-untyped-def]
    _, headers, body = raw_wsgi(app, "/latin", {})
    ok = body == "Zoë".encode("iso-8859-1") and headers.get("Content-Type", "").endswith("charset=iso-8859-1")
    return None if ok else f"{headers.get('Content-Type')} {body!r}"


def gzip_tool(app, client) -> str | None:  # type: ignore[no-untyped-def]
    import gzip

    _, headers, body = raw_wsgi(app, "/big", {"Accept-Encoding": "gzip"})
    if headers.get("Content-Encoding") != "gzip" or gzip.decompress(body) != b"x" * 5000:
        return f"{headers} {body[:40]!r}"
    return None


def staticdir(app, client) -> str | None:  # type: ignore[no-untyped-def]
    r = client.get("/static/hello.txt", expect_errors=True)
    return None if (r.status_int, r.text) == (200, "static hello") else f"{r.status_int} {r.text[:100]!r}"


TOOLS = {"sessions": sessions, "caching": caching, "encode": encode, "gzip": gzip_tool, "staticdir": staticdir}
"""Each tool the page names ("sessions, caching, response encoding, gzip
compression and static files"), and what it visibly does."""


@pytest.mark.parametrize("tool", TOOLS)
def test_tools_work(tool: str, tmp_path: Path) -> None:
    """Each tool the page names comes with CherryPy and, switched on in
    config, does its job: sessions count a visitor's visits, caching serves
    the second request without calling the method, encode sends the charset
    configured, gzip compresses, staticdir serves a file."""
    assert isinstance(getattr(cherrypy.tools, tool, None), cherrypy.Tool), (
        f"docs/cherrypy.md names cherrypy.tools.{tool}, which this CherryPy lacks"
    )
    app = tools_app(tmp_path)
    problem = TOOLS[tool](app, webtest.TestApp(app))
    assert problem is None, f"docs/cherrypy.md: tools.{tool}.on did not work: {problem}"
