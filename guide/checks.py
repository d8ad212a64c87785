"""Checking what came back against what the page says, with failures that
name the page, the snippet and the step."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from guide.clients import Response
from guide.paths import ROOT
from guide.walkthroughs import Step, Visit, Walkthrough, shown


def where(w: Walkthrough, step: Step) -> str:
    """The prefix of every failure: page, snippet, step."""
    snippet = w.snippet(step).relative_to(ROOT) if step.serve else w.source.relative_to(ROOT)
    return f"{w.page_file} ({snippet}, step {step.id!r})"


def visible_text(page: str) -> str:
    """The text a browser shows for an HTML page (its title included), without
    scripts and styles."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    return soup.get_text()


def check_visit(response: Response, visit: Visit, context: str) -> None:
    """Assert that `response` is what the page says the reader sees at `visit`:
    the redirect it names (and none it does not), then the page it leads to."""
    problems = []
    first = response.redirects[:1]
    if visit.redirects_to is not None:
        if first != ((visit.redirect_status, visit.redirects_to),):
            problems.append(
                f"first answer {first[0] if first else 'not a redirect'}, page says a "
                f"{visit.redirect_status} redirect to {visit.redirects_to!r}"
            )
    elif first:
        problems.append(f"it redirects ({first[0][0]} to {first[0][1]!r}); the page does not say so")
    if response.status != visit.status:
        problems.append(f"status {response.status}, page says {visit.status}")
    if visit.content_type and response.content_type.lower() != visit.content_type.lower():
        problems.append(f"content type {response.content_type!r}, page says {visit.content_type!r}")
    if visit.json is not None:
        try:
            got = response.json()
        except ValueError:
            got = f"<not JSON: {response.text[:200]!r}>"
        if got != visit.json:
            problems.append(f"JSON {got!r}, page says {visit.json!r}")
    if visit.body is not None and response.text != visit.body:
        problems.append(f"body {response.text[:300]!r}, page says {visit.body!r}")
    for text in (*visit.contains, *visit.source_contains):
        if text not in response.text:
            problems.append(f"body lacks {text!r}: {response.text[:300]!r}")
    if visit.is_html:
        page = visible_text(response.text)
        for text in visit.contains:
            if shown(text) not in page:
                problems.append(f"a browser does not show {shown(text)!r}, which the page says it does")
    if problems:
        raise AssertionError(f"{context}: GET {visit.url}: " + "; ".join(problems))


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


HTML_PAYLOADS = {
    "element": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "event handler": "x' onmouseover='alert(1)",
    "entity-encoded": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "numeric entities": "&#60;img src=x onerror=alert(1)&#62;",
}
"""Text that becomes script if a page echoes it without escaping: an element,
a break out of a quoted attribute into a new element, an event handler for
an attribute quoted with `'`, and the element again as entities, for a page
that decodes before it echoes. Each would run `alert(1)`."""

SCRIPT_MARKER = "alert(1)"
"""What every HTML payload would run; no page of the guide contains it."""

BAD_INPUTS = {
    "malformed": "abc",
    "negative": "-1",
    "fraction": "1.5",
    "huge": "9" * 5000,
    "big": "9" * 3000,
    "non-ascii": "Zoë-東京-😀",
    **HTML_PAYLOADS,
}
"""What a careless or hostile reader types in place of each path segment and
query value."""


def bad_urls(visit: Visit) -> list[tuple[str, str]]:
    """`(kind, path)` pairs: the visit's URL with its last path segment, and
    then each query value, replaced by every bad input."""
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


class _Markup(HTMLParser):
    """What a browser would run and show of an HTML page: the text of each
    `<script>`, the value of each `on...` attribute, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"{tag} {name}={value!r}" for name, value in attrs if name.startswith("on")]
        if tag in ("script", "style"):
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def markup_problems(page: str, sent: str) -> list[str]:
    """How an HTML page turned the text a visitor sent into markup: a script
    or an event handler that would run it, or, where the page shows it, text
    that is not what was sent (escaped twice, or decoded before it was shown)."""
    parser = _Markup()
    parser.feed(page)
    parser.close()
    problems = [f"a <script> runs it: {s[:80]!r}" for s in parser.scripts if SCRIPT_MARKER in s]
    problems += [f"an event handler runs it: {h[:80]}" for h in parser.handlers if SCRIPT_MARKER in h]
    visible = "".join(parser.text)
    if not problems and SCRIPT_MARKER in visible and sent not in visible:
        shown = visible[max(0, visible.find(SCRIPT_MARKER) - 60):][:120]
        problems.append(f"it is shown altered: {shown!r}")
    return problems


def check_polite(response: Response, context: str, kind: str | None = None) -> None:
    """Bad input gets a clear answer: no 5xx, no traceback, and, for each HTML
    payload (`kind`), no markup made of it in an HTML answer."""
    problems = []
    if response.status >= 500:
        problems.append(f"status {response.status}")
    if "Traceback" in response.text:
        problems.append("a traceback in the body")
    if kind in HTML_PAYLOADS and "html" in response.content_type:
        problems += [f"the {kind} input echoed as markup: {p}" for p in markup_problems(response.text, HTML_PAYLOADS[kind])]
    if problems:
        raise AssertionError(f"{context}: " + "; ".join(problems) + f": {response.text[:300]!r}")
