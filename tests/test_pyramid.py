"""What docs/pyramid.md claims about Pyramid beyond what every page is checked for.

tests/test_walkthroughs.py already opens every URL the page lists, in-process
and over real HTTP, and feeds them bad input. These tests check the rest:

- every server the page starts listens on the loopback interface only;
- Ctrl-C stops `python app.py` cleanly (exit status 0, no traceback);
- traversal: each link a folder shows leads to the resource it names, at
  every depth of the tree, in-process and as the reader runs it;
- traversal: a resource added to the tree is served with no new route, by the
  view registered for its type, and its text is escaped.
"""

from __future__ import annotations

import ipaddress
import os
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
import webtest
from bs4 import BeautifulSoup

import harness

HELLO = harness.walkthrough("pyramid.hello")
TRAVERSAL = harness.walkthrough("pyramid.traversal")
BOTH = [pytest.param(w, id=w.id) for w in (HELLO, TRAVERSAL)]


# --------------------------------------------------------------------------
# Which addresses a live server listens on
# --------------------------------------------------------------------------


def _address(hex_address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """Decode an address from /proc/net/tcp{,6}: 32-bit words in host order."""
    words = [int(hex_address[i : i + 8], 16) for i in range(0, len(hex_address), 8)]
    return ipaddress.ip_address(struct.pack(f"={len(words)}I", *words))


def listening_addresses(pid: int) -> set[tuple[str, int]]:
    """The (address, port) pairs a process listens on, from /proc."""
    fd_dir = Path(f"/proc/{pid}/fd")
    inodes = set()
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # the fd closed while we looked
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # 0A: LISTEN
                address, port = local.rsplit(":", 1)
                found.add((str(_address(address)), int(port, 16)))
    return found


@pytest.mark.server
@pytest.mark.parametrize("w", BOTH)
def test_every_server_listens_on_loopback_only(w: harness.Walkthrough, reader) -> None:
    """The page says its servers are reachable only from the reader's machine:
    each listening socket of each server it starts is bound to 127.0.0.1."""
    for step, server in reader(w).follow():
        context = harness.where(w, step) + " [as the reader runs it]"
        listening = listening_addresses(server.proc.pid)
        assert listening, f"{context}: `{step.serve.line}` has no listening socket"
        exposed = {
            (address, port)
            for address, port in listening
            if not ipaddress.ip_address(address).is_loopback
        }
        assert not exposed, (
            f"{context}: `{step.serve.line}` listens on {sorted(exposed)}, which other "
            f"machines can reach; the page says 127.0.0.1 only"
        )
        assert listening == {("127.0.0.1", step.port)}, (
            f"{context}: listens on {sorted(listening)}, page says 127.0.0.1:{step.port}"
        )


@pytest.mark.server
@pytest.mark.parametrize("w", BOTH)
def test_ctrl_c_stops_cleanly(w: harness.Walkthrough, reader) -> None:
    """The page says Ctrl-C stops each server without a traceback: the
    harness stops servers with SIGINT (what Ctrl-C sends), and an
    uncaught KeyboardInterrupt would end the process with -SIGINT instead of 0."""
    stopped = []
    for step, server in reader(w).follow():
        stopped.append((step, server))
    assert stopped, f"{w.page}: {w.id} starts no server"
    for step, server in stopped:
        context = harness.where(w, step) + " [as the reader runs it]"
        code = server.proc.returncode
        assert code == 0, (
            f"{context}: `{step.serve.line}` exited with {code} after Ctrl-C "
            f"(0 means a clean stop); it printed:\n{server.output}"
        )


# --------------------------------------------------------------------------
# Traversal
# --------------------------------------------------------------------------


def crawl(get: Callable[[str], harness.Response], context: str) -> dict[str, str]:
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
    context = harness.where(TRAVERSAL, step) + " [in-process]"
    with harness.client_for(TRAVERSAL, step) as client:
        reached = crawl(client.get, context)
    assert reached == EVERY_RESOURCE, f"{context}: links reach {reached}"


@pytest.mark.server
def test_traversal_links_reach_every_resource_as_reader(reader) -> None:
    """The same crawl over real HTTP, against `python app.py` on port 6543."""
    for step, server in reader(TRAVERSAL).follow():
        context = harness.where(TRAVERSAL, step) + " [as the reader runs it]"
        reached = crawl(lambda path: harness.http_get(server.base_url + path), context)
        assert reached == EVERY_RESOURCE, f"{context}: links reach {reached}"


def test_traversal_serves_a_new_resource_without_a_route() -> None:
    """The page says adding content means adding an object to the tree: a new
    Page and a new Folder are served by the views registered for their types,
    with no route or view added, and their titles and text are escaped."""
    step = TRAVERSAL.step("serve")
    context = harness.where(TRAVERSAL, step) + " [in-process]"
    module = harness.import_snippet(TRAVERSAL.snippet(step))
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
