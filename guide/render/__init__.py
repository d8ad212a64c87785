"""Page rendering: one Python-Markdown extension, one marker grammar, one
dispatcher.

A page asks for generated content with a marker, `{{ name("argument") }}`:

- alone on its line, it is replaced by a block (commands, a list of URLs, a
  table, a chart), indented as the marker was, so it works inside admonitions
  and content tabs;
- inside a sentence, it is replaced by a short text (a figure, a port).

Markers inside fenced code blocks and inline code spans are left as they
are, so a page (or a docstring shown by mkdocstrings, which runs this
extension too) can show one. An unknown marker, or a block where only text
fits, fails the build.

The extension is registered by module name under `markdown_extensions` in
`mkdocs.yml` (`guide.render`), so any builder that runs Python-Markdown
(MkDocs, Zensical) renders the same pages; no builder hook is involved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from guide.render import compare, features, layout, performance, release_lines, verified, walkthrough

MARKER = re.compile(r"""\{\{ (?P<name>[a-z_]+)\((?:(?P<q>["'])(?P<arg>[^"']*)(?P=q))?\) \}\}""")
"""`{{ name("argument") }}` or `{{ name() }}`."""
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+\1")

RENDERERS: dict[str, Callable[..., str]] = {
    "run": walkthrough.run,
    "visit": walkthrough.visit,
    "port": walkthrough.port,
    "venv": walkthrough.venv_block,
    "verified": verified.box,
    "release_lines": release_lines.table,
    "features": features.table,
    "perf": performance.figure,
    "layout": layout.tree,
    "lines": compare.lines,
    "contract_errors": compare.contract_errors,
    "server_answers": compare.server_answers,
    "handled": compare.handled,
}
"""Every marker a page may use, by name."""


def render_marker(name: str, arg: str | None) -> str:
    """The Markdown a marker stands for."""
    if name not in RENDERERS:
        raise ValueError(f"unknown marker {{{{ {name}(...) }}}}; known: {sorted(RENDERERS)}")
    return RENDERERS[name](*([] if arg is None else [arg]))


def render(markdown: str) -> str:
    """Replace every marker of a page's Markdown, outside code fences."""
    out: list[str] = []
    fence = ""
    for line in markdown.split("\n"):
        opened = FENCE.match(line)
        if fence:
            if opened and opened["fence"].startswith(fence) and not line.strip()[len(opened["fence"]) :]:
                fence = ""
            out.append(line)
            continue
        if opened:
            fence = opened["fence"]
            out.append(line)
            continue
        out.append(_render_line(line))
    return "\n".join(out)


def _render_line(line: str) -> str:
    whole = MARKER.fullmatch(line.strip())
    if whole:
        indent = line[: len(line) - len(line.lstrip())]
        block = render_marker(whole["name"], whole["arg"])
        return "\n".join(indent + text if text else text for text in block.split("\n"))

    def inline(match: re.Match[str]) -> str:
        text = render_marker(match["name"], match["arg"])
        if "\n" in text.strip():
            raise ValueError(f"{match[0]} renders a block; put it alone on its line")
        return text.strip()

    # Substitute between code spans only: `{{ run("...") }}` in backticks is an example.
    out, end = [], 0
    for span in CODE_SPAN.finditer(line):
        out += [MARKER.sub(inline, line[end : span.start()]), span[0]]
        end = span.end()
    return "".join([*out, MARKER.sub(inline, line[end:])])


class MarkerPreprocessor(Preprocessor):
    """Runs before pymdownx.snippets (priority 32), so included files are code
    and never read as markers, and before any fenced block is parsed."""

    def run(self, lines: list[str]) -> list[str]:
        return render("\n".join(lines)).split("\n")


class GuideExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.preprocessors.register(MarkerPreprocessor(md), "guide_markers", 33)


def makeExtension(**kwargs: Any) -> GuideExtension:  # noqa: N802 - Python-Markdown's name
    return GuideExtension(**kwargs)
