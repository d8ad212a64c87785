"""The marker grammar of `guide.render`, on small pieces of Markdown: blocks
where a marker stands alone, text inside a sentence, examples in code left
alone, and a build that fails on a marker it does not know."""

from __future__ import annotations

import os
from pathlib import Path

import markdown
import pytest

from guide import render
from guide.walkthroughs import step


def test_a_block_keeps_the_markers_indentation() -> None:
    """Inside an admonition or a tab, every line of the block is indented as the marker was."""
    rendered = render.render('!!! note\n\n    {{ run("flask.hello.serve") }}\n')
    body = rendered.split("\n")[2:]
    assert body[0] == '    ```bash title="Terminal"'
    assert all(line.startswith("    ") for line in body if line)


def test_an_inline_marker_becomes_text() -> None:
    _, serve = step("flask.hello.serve")
    assert render.render('both use port {{ port("flask.hello.serve") }}.') == f"both use port {serve.port}."


def test_examples_in_code_are_left_alone() -> None:
    """A marker inside a fenced block or a code span is an example, not a request."""
    page = '```text\n{{ run("no.such.step") }}\n```\nWrite `{{ port("no.such.step") }}` in a sentence.'
    assert render.render(page) == page


def test_an_unknown_marker_fails() -> None:
    with pytest.raises(ValueError, match=r"unknown marker \{\{ nonsense\(\.\.\.\) \}\}"):
        render.render('{{ nonsense("x") }}')


def test_a_block_inside_a_sentence_fails() -> None:
    with pytest.raises(ValueError, match="renders a block; put it alone on its line"):
        render.render('See {{ run("flask.hello.serve") }} here.')


def test_an_unknown_step_fails_naming_the_steps_there_are() -> None:
    with pytest.raises(KeyError, match=r"flask\.hello has no step 'nope' \(it has: install, step-2, serve, debug\)"):
        render.render('{{ run("flask.hello.nope") }}')


def test_python_markdown_runs_the_extension_by_name() -> None:
    """Any builder that loads `guide.render` as an extension renders the markers."""
    html = markdown.markdown('{{ visit("flask.hello.serve") }}', extensions=["guide.render"])
    assert '<a href="http://127.0.0.1:' in html and "{{" not in html


def test_a_visit_says_what_the_reader_sees() -> None:
    """JSON is called JSON; an HTML answer is quoted as a browser shows it,
    with its entities decoded; what only a test looks for (a script's
    address) is not shown; a redirect is named with its status."""
    fastapi = render.render_marker("visit", "fastapi.items.serve")
    assert 'JSON that includes `"/items/"`' in fastapi
    assert "a page that shows `FastAPI - Swagger UI`" in fastapi and "cdn.jsdelivr.net" not in fastapi
    bottle = render.render_marker("visit", "bottle.service.serve")
    assert "a page that shows `Not found: '/square/five'`" in bottle and "&#039;" not in bottle
    assert 'title="HTML source"' in bottle  # the escaped greeting is shown as the source it is
    django = render.render_marker("visit", "django.blog.serve")
    assert "It redirects (302) to `/admin/login/?next=/admin/`, which answers with status 200" in django


def test_a_transcript_shows_each_prompt_as_printed() -> None:
    """Prompts appear exactly as the program prints them, the reader's login
    name as the placeholder the page explains, and secret answers left out."""
    block = render.render_marker("run", "django.blog.superuser")
    transcript = block.split('```text title="Among what it prints"\n', 1)[1]
    assert transcript.startswith(
        "Username (leave blank to use '<your login name>'): admin\n"
        "Email address: admin@example.com\nPassword:\nPassword (again):\n"
    ), transcript


def test_a_cached_result_lasts_until_its_files_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make serve` expands every page's markers on every edit; a marker that reads a
    lot keeps its results, one per argument (the feature matrix page asks for
    two tables), until a file it was made from changes."""
    from guide import cache

    monkeypatch.setattr(cache, "ROOT", tmp_path)
    source = tmp_path / "data.yml"
    source.write_text("one")
    calls: list[str] = []

    @cache.unless_changed("*.yml")
    def table(which: str) -> str:
        calls.append(which)
        return f"{which}: {source.read_text()}"

    for _ in range(2):
        assert [table("features"), table("releases")] == ["features: one", "releases: one"]
    assert calls == ["features", "releases"], "a second rebuild made the tables again"
    source.write_text("two")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 1_000_000))
    assert table("features") == "features: two", "a changed file kept the old result"
