"""What docs/pyramid.md claims about Pyramid beyond what every page is checked for.

tests/test_walkthroughs.py already opens every URL the page lists, in-process
and over real HTTP, feeds them bad input, and checks that every server listens
on 127.0.0.1 only and stops cleanly on Ctrl-C. These tests check the rest:

- traversal: each link a folder shows leads to the resource it names, at
  every depth of the tree, in-process and as the reader runs it;
- traversal: a resource added to the tree is served with no new route, by the
  view registered for its type, and its text is escaped;
- waitress, started from a folder without `app.py`, stops with the error the
  page quotes;
- waitress, started without `--listen`, listens on every interface;
- `config.scan()` registers `@view_config` views, `config.include()` runs a
  package's `includeme`.

tests/test_overlap.py shows `wsgiref` serving one request at a time, and
waitress several.
"""

from __future__ import annotations

import contextlib
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import webtest
from bs4 import BeautifulSoup

from guide.checks import where
from guide.clients import Response, client_for, http_get, import_snippet
from guide.live import LiveServers
from guide.processes import Server, listening_addresses, port_lock, reader_env
from guide.reader import COMMAND_TIMEOUT
from guide.walkthroughs import Command, walkthrough

TRAVERSAL = walkthrough("pyramid.traversal")


# --------------------------------------------------------------------------
# Traversal
# --------------------------------------------------------------------------


def crawl(get: Callable[[str], Response], context: str) -> dict[str, str]:
    """Follow every link from the root folder; return {path: title} of every
    resource reached. Each link must answer 200 with its own text as the title."""
    seen: dict[str, str] = {}
    todo = [("/", "Home")]
    while todo:
        path, title = todo.pop(0)
        if path in seen:
            continue
        response = get(path)
        assert response.status == 200, (
            f"{context}: link {title!r} -> GET {path}: status {response.status}, expected 200: "
            f"{response.text[:200]!r}"
        )
        soup = BeautifulSoup(response.text, "html.parser")
        heading = soup.h1.get_text() if soup.h1 else None
        assert heading == title, (
            f"{context}: link {title!r} -> GET {path} shows the heading {heading!r}"
        )
        seen[path] = title
        todo += [(a["href"], a.get_text()) for a in soup.find_all("a")]
    return seen


EVERY_RESOURCE = {
    "/": "Home",
    "/docs/": "Documentation",
    "/docs/intro/": "Introduction",
    "/docs/install/": "Installing",
    "/about/": "About",
}
"""The tree the page builds, as the paths its links use."""


def test_traversal_links_reach_every_resource_in_process() -> None:
    """Each folder links to its children with request.resource_path, and each
    link resolves, by traversal, to the resource it names: every resource in
    the tree is reachable from the root."""
    step = TRAVERSAL.step("serve")
    context = where(TRAVERSAL, step) + " [in-process]"
    with client_for(TRAVERSAL, step) as client:
        reached = crawl(client.get, context)
    assert reached == EVERY_RESOURCE, f"{context}: links reach {reached}"


@pytest.mark.server
@pytest.mark.parametrize("ref", ["pyramid.traversal.serve"])
def test_traversal_links_reach_every_resource_as_reader(ref: str, live: LiveServers) -> None:
    """The same crawl over real HTTP, against `python app.py` on the page's port."""
    server = live.server(ref)
    context = where(TRAVERSAL, TRAVERSAL.step("serve")) + " [as the reader runs it]"
    reached = crawl(lambda path: http_get(server.base_url + path), context)
    assert reached == EVERY_RESOURCE, f"{context}: links reach {reached}"


def test_traversal_serves_a_new_resource_without_a_route() -> None:
    """The page says adding content means adding an object to the tree: a new
    Page and a new Folder are served by the views registered for their types,
    with no route or view added, and their titles and text are escaped."""
    step = TRAVERSAL.step("serve")
    context = where(TRAVERSAL, step) + " [in-process]"
    module = import_snippet(TRAVERSAL.snippet(step))
    guides = module.root.add("guides", module.Folder("Guides & <Recipes>"))
    guides.add("faq", module.Page("FAQ", "Is <b>this</b> escaped? Yes."))
    client = webtest.TestApp(module.make_app())

    checks = {
        "/guides/faq": "<h1>FAQ</h1><p>Is &lt;b&gt;this&lt;/b&gt; escaped? Yes.</p>",
        "/guides/": (
            '<h1>Guides &amp; &lt;Recipes&gt;</h1><ul><li><a href="/guides/faq/">FAQ</a></li></ul>'
        ),
        "/": (
            '<h1>Home</h1><ul><li><a href="/docs/">Documentation</a></li>'
            '<li><a href="/about/">About</a></li>'
            '<li><a href="/guides/">Guides &amp; &lt;Recipes&gt;</a></li></ul>'
        ),
    }
    for path, body in checks.items():
        r = client.get(path, expect_errors=True)
        assert (r.status_int, r.content_type, r.text) == (200, "text/html", body), (
            f"{context}: after adding resources to the tree, GET {path} gave "
            f"{r.status_int} {r.content_type} {r.text[:300]!r}; expected 200 text/html {body!r}"
        )


# --------------------------------------------------------------------------
# waitress finds `app` in the folder it starts in
# --------------------------------------------------------------------------


@pytest.mark.server
def test_waitress_needs_the_folder_that_holds_app_py(tmp_path) -> None:
    """The page's waitress command, started from a folder without `app.py`,
    stops at once with the error the page quotes (from the folder that holds
    it, tests/test_walkthroughs.py runs it and opens its URL)."""
    hello = walkthrough("pyramid.hello")
    step = hello.step("waitress")
    context = where(hello, step) + " [from another folder]"
    with contextlib.closing(port_lock(step.port)):  # should it serve after all, it has the port to itself
        done = subprocess.run(
            shlex.split(step.serve.line), cwd=tmp_path, env=reader_env(),
            capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
        )
    assert done.returncode == 1 and "Error: No module named 'app'" in done.stdout + done.stderr, (
        f"{context}: `{step.serve.line}` exited {done.returncode}: {(done.stdout + done.stderr)[:300]!r}"
    )


# --------------------------------------------------------------------------
# The production server, and growing a project
# --------------------------------------------------------------------------

HELLO = walkthrough("pyramid.hello")
WAITRESS = HELLO.step("waitress")


@pytest.mark.server
def test_waitress_without_listen_binds_every_interface(tmp_path: Path) -> None:
    """The page keeps `--listen` because without it waitress listens on every
    interface (on its default port): the page's command with the flag left
    out, started in a copy of the page's folder."""
    from waitress.adjustments import Adjustments

    shutil.copyfile(HELLO.source / "app.py", tmp_path / "app.py")
    words = [w for w in WAITRESS.serve.line.split() if not w.startswith("--listen")]
    assert len(words) < len(WAITRESS.serve.line.split()), f"{WAITRESS.serve.line} has no --listen"
    default = Adjustments()
    command = Command(" ".join(words), output=(f"Serving on http://{default.host}:{default.port}",))
    with Server(command, default.port, tmp_path, where(HELLO, WAITRESS) + " [without --listen]"):
        listening = listening_addresses(default.port)
    assert listening == {"0.0.0.0"}, f"{HELLO.page_file}: without --listen, waitress listens on {listening}"


SCANNED_VIEWS = '''
from pyramid.response import Response
from pyramid.view import view_config


@view_config(route_name="hello")
def hello(request):
    return Response("found by scan")
'''

INCLUDED = '''
def includeme(config):
    config.add_route("hello", "/")
'''


def test_views_found_by_scan_and_add_ons_switched_on_by_include(tmp_path: Path, monkeypatch) -> None:
    """What the page says a larger project does: views in their own module,
    decorated with `@view_config` and registered by one `config.scan()`; a
    package switched on with `config.include(...)`, which calls its
    `includeme`. A tiny package of each, found on sys.path."""
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text(SCANNED_VIEWS)
    (tmp_path / "shop_routes.py").write_text(INCLUDED)
    monkeypatch.syspath_prepend(str(tmp_path))
    from pyramid.config import Configurator

    with Configurator() as config:
        config.include("shop_routes")
        config.scan("shop")
        app = config.make_wsgi_app()
    response = webtest.TestApp(app).get("/", expect_errors=True)
    assert (response.status_int, response.text) == (200, "found by scan"), (
        f"{HELLO.page_file}: a view found by config.scan() answered "
        f"{response.status_int} {response.text[:200]!r}"
    )
    for name in [m for m in sys.modules if m == "shop" or m.startswith(("shop.", "shop_routes"))]:
        del sys.modules[name]
