"""Reading a page's source: the files it includes, its fenced blocks, its
markers. The site's checks and the browser checks compare the built pages
with what these say the pages should show."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from guide.paths import DOCS, ROOT
from guide.render import MARKER

INCLUDE = re.compile(r'^(?P<indent>[ \t]*)--8<-- "(?P<target>[^"]+)"[ \t]*$', re.MULTILINE)
"""A pymdownx.snippets include line: a whole file, or `path:section`."""
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>```+)(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def pages() -> list[Path]:
    """Every page of the site."""
    return sorted(DOCS.glob("*.md"))


def built(site: Path, page: Path | str) -> Path:
    """Where the built site holds a page (`docs/flask.md` -> `flask/index.html`)."""
    stem = Path(page).stem
    return site / ("index.html" if stem == "index" else f"{stem}/index.html")


def includes(page: Path) -> list[str]:
    """The targets of every include line on a page."""
    return [m["target"] for m in INCLUDE.finditer(page.read_text())]


def included_text(target: str) -> str:
    """The text an include line stands for: a whole file or a named section."""
    path, _, section = target.partition(":")
    text = (ROOT / path).read_text()
    if section:
        match = re.search(
            rf"^[^\n]*--8<-- \[start:{re.escape(section)}\][^\n]*\n(.*?)^[^\n]*--8<-- \[end:{re.escape(section)}\]",
            text,
            re.MULTILINE | re.DOTALL,
        )
        assert match, f"{path} has no section {section!r}"
        text = textwrap.dedent(match[1])
    return "\n".join(
        line for line in text.splitlines() if not re.search(r"--8<-- \[(start|end):", line)
    ).strip()


def fenced_blocks(page: Path) -> list[tuple[str, str]]:
    """`(info string, body)` of every fenced block typed on a page."""
    return [(m["info"].strip(), m["body"]) for m in FENCE.finditer(page.read_text())]


def markers(page: Path) -> set[tuple[str, str | None]]:
    """`(name, argument)` of every marker on a page, outside code blocks."""
    text = FENCE.sub("", page.read_text())
    return {(m["name"], m["arg"]) for m in MARKER.finditer(text)}
