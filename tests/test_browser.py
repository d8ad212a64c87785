"""The built site in a real browser: headless Chromium from the system's
packages (`make chromium`), driven by Playwright, against the site served on
loopback. What a reader sees, clicks and copies.

With `--deep` (`make test-deep`), screenshots of every page, at desktop and
phone widths, are saved under `test-artifacts/screenshots/` for a person to look
at. They check nothing, and a full-page screenshot takes longer than loading
the page, so `make test` takes none.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from guide import registry
from guide.pages import included_text, includes
from guide.paths import DOCS, ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = sorted(p.stem for p in DOCS.glob("*.md"))


def url_path(page: str) -> str:
    return "/" if page == "index" else f"/{page}/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def served_site(site: Path) -> Iterator[str]:
    """The built site on a free loopback port, for the length of the run."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system's packages; never a downloaded one.

    Module-scoped: Playwright's sync API keeps an event loop running in the
    thread while it is open, which Django's ORM (tested in the same worker)
    rightly refuses to run under."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (Debian's chromium package)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def tab(browser: Any, served_site: str) -> Iterator[Any]:
    """One tab per test module, opened once: a browser context costs three
    times what loading a page in it does. Console errors, page errors and
    requests to any host but the local server are collected in `tab.problems`."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.problems = []
    local = urlsplit(served_site).netloc

    def request(r: Any) -> None:
        if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != local:
            tab.problems.append(f"request to another host: {r.url}")

    tab.on("console", lambda m: m.type == "error" and tab.problems.append(f"console: {m.text}"))
    tab.on("pageerror", lambda e: tab.problems.append(f"page error: {e}"))
    tab.on("request", request)
    tab.base = served_site
    yield tab
    context.close()


@pytest.fixture
def page(tab: Any) -> Iterator[Any]:
    """The tab, as a first-time reader has it: desktop width, light colour
    scheme, nothing stored by an earlier page (Material keeps the chosen
    palette in localStorage), no problem noted, no request intercepted."""
    tab.set_viewport_size(VIEWPORT)
    tab.emulate_media(color_scheme="light")
    tab.problems.clear()
    yield tab
    tab.unroute_all()
    if tab.url.startswith(tab.base):
        tab.evaluate("localStorage.clear(); sessionStorage.clear()")
    tab.goto("about:blank")


@pytest.fixture(scope="session")
def screenshots(request: pytest.FixtureRequest) -> Path | None:
    """Where screenshots go in a deep run; None otherwise."""
    if not request.config.getoption("deep"):
        return None
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.mark.parametrize("name", PAGES)
def test_page_as_a_reader_sees_it(page: Any, name: str, screenshots: Path | None) -> None:
    """Each page loads with no console error and no request to another host;
    its code blocks show exactly the included files; at a phone's 390 px it
    does not scroll sideways. In a deep run, screenshots at both widths are kept."""
    where = f"docs/{name}.md in the browser"
    page.goto(page.base + url_path(name), wait_until="load")
    if screenshots:
        page.screenshot(path=screenshots / f"{name}-desktop.png", full_page=True)
    shown = page.locator("pre code").evaluate_all("codes => codes.map(c => c.textContent.trim())")
    for target in includes(DOCS / f"{name}.md"):
        assert included_text(target) in shown, f"{where} does not show {target}"

    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if screenshots:
        page.screenshot(path=screenshots / f"{name}-phone.png", full_page=True)
    assert overflow <= 0, f"{where} scrolls {overflow}px sideways at 390px wide"
    assert not page.problems, f"{where}: {page.problems}"


def test_copy_button_copies_the_snippet_exactly(browser: Any, served_site: str) -> None:
    """The copy button on a code block puts the file's exact text on the clipboard."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(served_site + "/flask/")
    block = tab.locator("div.highlight", has=tab.locator("span.filename", has_text="app.py")).first
    block.hover()
    block.locator("button[data-md-type='copy']").click()
    copied = tab.evaluate("navigator.clipboard.readText()")
    context.close()
    assert copied.strip() == included_text("snippets/flask/hello/app.py")


def test_search_finds_tornado_for_websocket(page: Any) -> None:
    """Typing "websocket" into search offers the Tornado page first."""
    page.goto(page.base + "/")
    page.locator("input.md-search__input").click()
    page.keyboard.type("websocket")
    # Results come while the word is typed: wait for those of the whole word.
    page.locator("a.md-search-result__link[href$='?h=websocket']").first.wait_for()
    first = page.locator("a.md-search-result__link").first
    assert "/tornado/" in first.get_attribute("href"), first.get_attribute("href")


def test_dark_mode_toggle_is_remembered(page: Any) -> None:
    """The palette toggle switches light and dark, and the next page keeps it."""
    page.goto(page.base + "/")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    before = page.evaluate(scheme)
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    after = page.evaluate(scheme)
    assert {before, after} == {"default", "slate"}, (before, after)
    page.goto(page.base + "/flask/")
    assert page.evaluate(scheme) == after, "the next page forgot the chosen palette"


def test_linked_tabs_switch_together(page: Any) -> None:
    """On the Compare page, choosing a framework in one tab set switches every
    other tab set on the page to it (Material's linked content tabs)."""
    page.goto(page.base + "/compare/")
    sets = page.locator(".tabbed-set")
    assert sets.count() >= 2, "the Compare page has fewer than two tab sets"
    sets.first.locator("label", has_text="Tornado").click()
    for i in range(sets.count()):
        checked = sets.nth(i).locator("input:checked")
        label = sets.nth(i).locator(f"label[for='{checked.get_attribute('id')}']").inner_text()
        assert label.strip() == "Tornado", f"tab set {i + 1} still shows {label!r}"


def test_items_api_links_open_their_frameworks_page(page: Any) -> None:
    """Each "Its Items API" link on the home page opens the Items API page of
    the framework named in its row, with that framework's code on it."""
    page.goto(page.base + "/")
    rows = page.locator("tr", has=page.locator("a", has_text="Its Items API"))
    names = [rows.nth(i).locator("a").first.inner_text().strip() for i in range(rows.count())]
    every = len(registry.frameworks())
    assert len(names) == every, f"the home page has {len(names)} Items API links, not {every}"
    for i, name in enumerate(names):
        page.goto(page.base + "/")
        rows.nth(i).locator("a", has_text="Its Items API").click()
        page.wait_for_load_state("load")
        heading = page.locator("h1").first.inner_text().removesuffix("¶").strip()  # its permalink
        assert heading == f"The Items API in {name}", (
            f"the home page's Items API link for {name} opens {page.url}, headed {heading!r}"
        )
        assert page.locator(".highlight code").count() > 0, f"{page.url} shows no code"


# --------------------------------------------------------------------------
# Accessibility (axe-core) and page weight, on every built page
# --------------------------------------------------------------------------

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BUILT_PAGES = [*PAGES, "404"]
# prefers-color-scheme -> the palette Material picks for it (mkdocs.yml).
SCHEMES = {"light": "default", "dark": "slate"}
BLOCKING = ("serious", "critical")
# Tabs a reader has not chosen and collapsed notes are hidden, and axe checks
# only what is shown: open them all, so every code block is checked, in the
# colours it has when a reader opens it.
REVEAL = """() => {
  document.querySelectorAll("details").forEach(d => { d.open = true })
  const style = document.createElement("style")
  style.textContent = ".tabbed-set > .tabbed-content > .tabbed-block { display: block !important }"
  document.head.append(style)
}"""
DOM_LIMIT = 2500


def address(name: str) -> str:
    return "/404.html" if name == "404" else url_path(name)


def axe_violations(tab: Any) -> list[str]:
    """axe-core's serious and critical findings in the open page, one entry per
    element: rule, impact, the element's selector, its HTML and what is wrong."""
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make axe` (npm ci in tests/axe)")
    tab.add_script_tag(path=AXE)  # inlined from the installed file: no request leaves the machine
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}) at {' '.join(map(str, node['target']))}\n"
        f"    {node['html'][:200]}\n"
        f"    {(node['any'] or node['all'] or node['none'])[0]['message']}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def schemes_of(name: str) -> list[Any]:
    """Light, the scheme of a first visit, on every page; dark on the home page,
    and on every other page in a deep run: one stylesheet makes the dark
    palette, and axe takes a second a page (`make test-deep` checks them all)."""
    return [pytest.param(name, scheme, id=f"{name}-{scheme}",
                         marks=[pytest.mark.deep] if scheme == "dark" and name != "index" else [])
            for scheme in SCHEMES]


@pytest.mark.parametrize(("name", "scheme"), [case for name in BUILT_PAGES for case in schemes_of(name)])
def test_page_has_no_serious_accessibility_violation(page: Any, name: str, scheme: str) -> None:
    """axe-core finds no serious or critical WCAG violation on the page, in
    light and in dark mode, with every tab and collapsed note opened. No rule
    is switched off: Material's defaults are fixed in docs/stylesheets/extra.css,
    docs/javascripts/extra.js and overrides/main.html."""
    page.emulate_media(color_scheme=scheme)
    page.goto(page.base + address(name), wait_until="load")
    shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert shown == SCHEMES[scheme], f"{address(name)} in {scheme} mode shows the {shown!r} palette"
    page.evaluate(REVEAL)
    found = axe_violations(page)
    assert not found, (
        f"{address(name)}, {scheme} mode: {len(found)} elements fail axe:\n"
        + "\n".join(found[:30])
        + (f"\n... and {len(found) - 30} more" if len(found) > 30 else "")
    )


def test_axe_check_reports_what_it_guards(page: Any) -> None:
    """The check above can fail: a page served from the same address with one
    instance of each kind of violation Material's defaults had (faint text,
    a link told apart by colour alone, a nameless dialog, a scrolling box a
    keyboard cannot reach) gets each one reported."""
    canary = page.base + "/axe-canary/"
    page.route(canary, lambda route: route.fulfill(content_type="text/html", body="""<!doctype html>
<html lang="en"><head><title>Canary</title></head><body><main>
<p style="color: #aaa">Faint grey text on white.</p>
<p style="color: #222">Text with <a href="#x" style="color: #333; text-decoration: none">a link</a> in it.</p>
<div role="dialog">A dialog with no name.</div>
<div style="width: 100px; overflow-x: auto"><table><tr><td>a_table_cell_wider_than_its_box</td></tr></table></div>
</main></body></html>"""))
    page.goto(canary)
    rules = {line.split(" ", 1)[0] for line in axe_violations(page)}
    expected = {"color-contrast", "link-in-text-block", "aria-dialog-name", "scrollable-region-focusable"}
    assert rules == expected, f"axe reported {sorted(rules)} on the canary page, not {sorted(expected)}"


@pytest.mark.parametrize("name", BUILT_PAGES)
def test_page_dom_stays_small(page: Any, name: str) -> None:
    """A page holds at most 2,500 elements once Material's scripts have run
    (line-number anchors are off, since no page links to a line), so it stays
    quick to lay out on a phone."""
    page.goto(page.base + address(name), wait_until="load")
    count = page.evaluate("document.getElementsByTagName('*').length")
    assert count <= DOM_LIMIT, f"{address(name)} has {count} elements; at most {DOM_LIMIT}"
