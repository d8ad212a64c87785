"""The site as a whole: it builds strictly, every include renders the file it
names, every snippet is on a page and run by a test, and no code on a page
escapes verification."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pytest_examples import CodeExample, EvalExample, find_examples

import harness
from harness import DOCS, ROOT, SNIPPETS

PAGES = sorted(DOCS.glob("*.md"))
FRAMEWORKS = sorted(p.name for p in SNIPPETS.iterdir() if p.is_dir())
INCLUDE = re.compile(r'^(?P<indent>[ \t]*)--8<-- "(?P<target>[^"]+)"[ \t]*$', re.MULTILINE)
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>```+)(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def test_strict_build(site: Path) -> None:
    """The site builds with --strict: broken links, missing anchors, absolute
    links, pages missing from nav and missing include files all fail it."""
    for page in PAGES:
        built = site / ("index.html" if page.stem == "index" else f"{page.stem}/index.html")
        assert built.exists(), f"{page.relative_to(ROOT)} was not built"


def includes() -> list[tuple[Path, str]]:
    return [(page, m["target"]) for page in PAGES for m in INCLUDE.finditer(page.read_text())]


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


def built_page(site: Path, page: Path) -> BeautifulSoup:
    name = "index.html" if page.stem == "index" else f"{page.stem}/index.html"
    return BeautifulSoup((site / name).read_text(), "html.parser")


@pytest.mark.parametrize(
    ("page", "target"), [pytest.param(p, t, id=f"{p.name}:{t}") for p, t in includes()]
)
def test_include_renders_the_file(site: Path, page: Path, target: str) -> None:
    """Each `--8<--` include shows, in a code block of the built page, exactly
    the text of the file (or named section) it names, and is not empty."""
    expected = included_text(target)
    assert expected, f"{page.name}: {target} is empty"
    blocks = [code.get_text().strip() for code in built_page(site, page).select("pre code")]
    assert any(block == expected for block in blocks), (
        f"{page.relative_to(ROOT)}: no code block shows {target} exactly "
        f"(blocks start with: {[b[:40] for b in blocks]})"
    )


def fenced_blocks(page: Path) -> list[tuple[str, str]]:
    return [(m["info"].strip(), m["body"]) for m in FENCE.finditer(page.read_text())]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_highlighted_lines_exist(page: Path) -> None:
    """`hl_lines` on an included block point at real, non-blank lines."""
    for info, body in fenced_blocks(page):
        hl = re.search(r'hl_lines="([^"]+)"', info)
        found = INCLUDE.search(body)
        if not (hl and found):
            continue
        lines = included_text(found["target"]).splitlines()
        for spec in hl[1].split():
            first, _, last = spec.partition("-")
            for n in range(int(first), int(last or first) + 1):
                assert 1 <= n <= len(lines) and lines[n - 1].strip(), (
                    f"{page.name}: hl_lines {n} of {found['target']} is "
                    + ("past the end" if n > len(lines) else "a blank line")
                )


def test_every_snippet_is_on_a_page() -> None:
    """Every file in snippets/ is shown: Python files by an include, walkthrough
    data by the markers that render each step with commands or URLs."""
    shown = {target.partition(":")[0] for _, target in includes()}
    missing = []
    for path in sorted(SNIPPETS.rglob("*")):
        if path.is_dir():
            continue
        rel = str(path.relative_to(ROOT))
        if path.name == "walkthroughs.yml":
            continue
        if rel not in shown:
            missing.append(rel)
    assert not missing, f"files in snippets/ that no page includes: {missing}"


@pytest.mark.parametrize("w", harness.walkthroughs(), ids=lambda w: w.id)
def test_every_step_is_on_its_page(w: harness.Walkthrough) -> None:
    """What the tests type and open is what the page shows: each step's
    commands and each server's URLs have a marker on the walkthrough's page,
    and each file it saves is included there."""
    page = (ROOT / w.page).read_text()
    markers = {(m["what"], m["name"], m["step"]) for m in harness.MARKER.finditer(page)}
    shown = {t.partition(":")[0] for p, t in includes() if p == ROOT / w.page}
    for step in w.steps:
        if step.commands or step.serve:
            assert ("run", w.name, step.id) in markers, (
                f"{w.page} does not show step {w.name}.{step.id}: add "
                f'{{{{ run("{w.name}.{step.id}") }}}}'
            )
        if step.visits:
            assert ("visit", w.name, step.id) in markers, (
                f'{w.page} does not list the URLs of {w.name}.{step.id}: add {{{{ visit("{w.name}.{step.id}") }}}}'
            )
        for rel in filter(None, (step.copy, step.edit)):
            source = str((w.source / rel).relative_to(ROOT))
            assert source in shown, f"{w.page} never includes {source}, which the reader saves"


def test_every_snippet_is_run() -> None:
    """Every Python file in snippets/ is saved, edited or served by a
    walkthrough, so a test runs it (and coverage of 100% says every line ran)."""
    used = set()
    for w in harness.walkthroughs():
        for step in w.steps:
            for rel in filter(None, (step.copy, step.edit)):
                used.add(w.source / rel)
            if step.serve:
                used.add(w.snippet(step))
    missing = [str(p.relative_to(ROOT)) for p in SNIPPETS.rglob("*.py") if p not in used]
    assert not missing, f"snippets no walkthrough runs: {missing}"


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.stem in FRAMEWORKS], ids=lambda p: p.name
)
def test_no_commands_or_urls_typed_into_prose(page: Path) -> None:
    """Framework pages get commands and URLs only from walkthroughs.yml."""
    text = page.read_text()
    for info, _ in fenced_blocks(page):
        lang = info.split()[0] if info else ""
        assert lang not in {"bash", "sh", "shell", "console"}, (
            f"{page.name} types a {lang} block: put the command in "
            f"snippets/{page.stem}/walkthroughs.yml and render it with a run marker"
        )
    typed = re.findall(r"(?:https?|wss?)://(?:127\.0\.0\.1|localhost)[^\s)>`\"]*", text)
    assert not typed, f"{page.name} types URLs into prose: {typed}; use a visit marker"


def python_blocks() -> list[CodeExample]:
    """Fenced Python blocks on pages that are not just `--8<--` includes."""
    found = []
    for example in find_examples(str(DOCS)):
        if example.prefix_tags() & {"py", "python"}:
            lines = [ln for ln in example.source.splitlines() if ln.strip()]
            if not all(ln.strip().startswith("--8<--") for ln in lines):
                found.append(example)
    return found


@pytest.mark.parametrize("example", python_blocks(), ids=str)
def test_python_blocks_on_pages(example: CodeExample, eval_example: EvalExample) -> None:
    """Python typed into a page (not included) is linted and run, and its
    printed output must match its `#>` lines (`--update-examples` rewrites them)."""
    eval_example.set_config(line_length=100, target_version="py310")
    try:
        if eval_example.update_examples:
            eval_example.format(example)
            eval_example.run_print_update(example)
        else:
            eval_example.lint(example)
            eval_example.run_print_check(example)
    except BaseException as error:  # report it as a failure, never an INTERNALERROR
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        pytest.fail(f"{example.path}:{example.start_line}: {error}", pytrace=False)


def test_python_blocks_exist() -> None:
    """The check above has something to check (an empty parameter set would
    quietly skip)."""
    assert python_blocks(), "no inline Python block on any page"


def test_site_needs_no_other_host(site: Path) -> None:
    """The built site loads nothing from another host: no web fonts, scripts,
    styles or images from a CDN (links that readers click are fine)."""
    remote = re.compile(r"^(https?:)?//")
    found = []
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in soup.find_all(tag):
                url = element.get(attr) or ""
                if tag == "link" and not {"stylesheet", "preload", "icon", "manifest"} & set(
                    element.get("rel") or []
                ):
                    continue
                if remote.match(url):
                    found.append(f"{page.relative_to(site)}: <{tag} {attr}={url}>")
    for css in site.rglob("*.css"):
        found += [f"{css.relative_to(site)}: {u}" for u in re.findall(r"url\((['\"]?https?://[^)]+)\)", css.read_text())]
    assert not found, "the site asks other hosts for:\n" + "\n".join(found)


def test_preview_server_avoids_the_examples_ports() -> None:
    """`make serve` listens where no example does, and reloads on snippet edits."""
    import yaml

    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    host, _, port = config["dev_addr"].rpartition(":")
    example_ports = {s.port for w in harness.walkthroughs() for s in w.servers}
    assert host == "127.0.0.1" and int(port) not in example_ports, config["dev_addr"]
    assert "snippets" in config["watch"], "mkdocs serve would not reload on snippet edits"


def test_workflows_pass_actionlint() -> None:
    """The GitHub Actions workflows are valid and use no deprecated actions."""
    actionlint = Path(sys.executable).parent / "actionlint"
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    result = subprocess.run([actionlint, *workflows], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
