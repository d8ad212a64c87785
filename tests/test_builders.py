"""Both builders render the same site: MkDocs (primary) and Zensical, from the
same `mkdocs.yml`, page by page. The guide's pages are rendered by a
Python-Markdown extension rather than an MkDocs hook precisely so that this
holds; a marker left raw, or a table, chart, command or code block one builder
renders and the other does not, fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from guide.pages import built, pages
from guide.render import MARKER, RENDERERS

PAGES = pages()

KNOWN_DIFFERENCES: dict[str, str] = {}
"""Page stem -> a difference this comparison tolerates, and why. Empty: with
Zensical 0.0.73 every page renders the same, the mkdocstrings API of the
engine page included (Zensical's mkdocstrings support is preliminary, so a
difference there would be named here instead of the page being skipped)."""


def content(site: Path, page: Path) -> Tag:
    """The page's article, without the skip-link anchor Zensical adds to it."""
    article = BeautifulSoup(built(site, page).read_text(encoding="utf-8"), "html.parser").select_one("article")
    assert article, f"{built(site, page)} has no article"
    for skip in article.select("#__skip"):
        skip.decompose()
    return article


def parts(article: Tag) -> dict[str, list[str]]:
    """What a reader relies on, in order: code blocks (included files and
    commands alike), links, tables (cell by cell), charts, and the text."""
    return {
        "code blocks": [code.get_text() for code in article.select("pre code")],
        "commands": [b.get_text() for b in article.select(".highlight") if "Terminal" in b.get_text()[:200]],
        "links": [a.get("href", "") for a in article.select("a[href]")],
        "tables": [" | ".join(cell.get_text(" ", strip=True) for cell in table.select("th, td"))
                   for table in article.select("table")],
        "charts": [str(svg) for svg in article.select("svg[role=img]")],
        "text": [article.get_text(" ", strip=True)],
    }


def raw_markers(article: Tag) -> list[str]:
    """Markers left as text: one the engine renders (`run`, `visit`, ...)
    anywhere, code included, where a reader would take it for the page's own
    content; any marker at all outside code. An example of the grammar goes
    in code, under a name no renderer has (`{{ name("argument") }}`)."""
    known = [m[0] for m in MARKER.finditer(article.get_text(" ")) if m["name"] in RENDERERS]
    for code in article.select("code"):
        code.decompose()
    return known + [m[0] for m in MARKER.finditer(article.get_text(" ")) if m["name"] not in RENDERERS]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_both_builders_render_the_page_alike(site: Path, zensical_site: Path, page: Path) -> None:
    """Code blocks, commands, links, tables, charts and text are the same from
    both builders, and no marker is left raw by either."""
    articles = {"MkDocs": content(site, page), "Zensical": content(zensical_site, page)}
    mkdocs, zensical = parts(articles["MkDocs"]), parts(articles["Zensical"])
    for builder, article in articles.items():
        raw = raw_markers(article)  # last: it takes the code out of the article
        assert not raw, f"docs/{page.name}: {builder} left markers raw: {raw}"
    if page.stem in KNOWN_DIFFERENCES:
        pytest.fail(f"docs/{page.name}: listed as differing ({KNOWN_DIFFERENCES[page.stem]}), "
                    "so compare the parts that agree and name the rest")
    for part in mkdocs:
        assert mkdocs[part] == zensical[part], (
            f"docs/{page.name}: MkDocs and Zensical render different {part}:\n"
            + "\n".join(f"  MkDocs:   {a[:200]!r}\n  Zensical: {b[:200]!r}"
                        for a, b in zip(mkdocs[part], zensical[part], strict=False) if a != b)
            + f"\n  ({len(mkdocs[part])} against {len(zensical[part])})"
        )


def test_the_engine_api_is_rendered_by_both(site: Path, zensical_site: Path) -> None:
    """mkdocstrings renders the engine's API on the authors' page in both builds."""
    engine = next(p for p in PAGES if p.stem == "engine")
    for name, built_site in (("MkDocs", site), ("Zensical", zensical_site)):
        text = content(built_site, engine).get_text(" ")
        assert "Follows a walkthrough in a fresh temporary folder" in text, f"{name}: no API docs on engine.md"
