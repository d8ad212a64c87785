"""Checking what came back against what the page says, with failures that
name the page, the snippet and the step."""

from __future__ import annotations

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
