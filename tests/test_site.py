"""The site as a whole: it builds strictly, every include renders the file it
names, every snippet is on a page and run by a test, and no code on a page
escapes verification."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pytest_examples import CodeExample, EvalExample, find_examples

from guide import registry
from guide.pages import INCLUDE, built, fenced_blocks, included_text, includes, markers, pages
from guide.paths import DOCS, ROOT, SNIPPETS
from guide.walkthroughs import VENV_FILE, Walkthrough, ports, walkthroughs

PAGES = pages()


def test_strict_build(site: Path) -> None:
    """The site builds with --strict: broken links, missing anchors, absolute
    links, pages missing from nav and missing include files all fail it."""
    for page in PAGES:
        assert built(site, page).exists(), f"{page.relative_to(ROOT)} was not built"


def all_includes() -> list[tuple[Path, str]]:
    return [(page, target) for page in PAGES for target in includes(page)]


@functools.cache
def code_blocks(site: Path, page: Path) -> list[str]:
    """The text of every code block of the built page, parsed once a run (a
    page has many includes, and parsing it costs a tenth of a second)."""
    soup = BeautifulSoup(built(site, page).read_text(), "html.parser")
    return [code.get_text().strip() for code in soup.select("pre code")]


@pytest.mark.parametrize(
    ("page", "target"), [pytest.param(p, t, id=f"{p.name}:{t}") for p, t in all_includes()]
)
def test_include_renders_the_file(site: Path, page: Path, target: str) -> None:
    """Each `--8<--` include shows, in a code block of the built page, exactly
    the text of the file (or named section) it names, and is not empty."""
    expected = included_text(target)
    assert expected, f"{page.name}: {target} is empty"
    blocks = code_blocks(site, page)
    assert any(block == expected for block in blocks), (
        f"{page.relative_to(ROOT)}: no code block shows {target} exactly "
        f"(blocks start with: {[b[:40] for b in blocks]})"
    )


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


BARE_PATH = re.compile(r"[\w.-]+(?:/[\w.-]+)*")
"""A title that is nothing but a file's path: the block claims to be that whole file."""


def titled_includes() -> list[tuple[Path, str, str]]:
    """`(page, title, include target)` of every code block that is one include."""
    found = []
    for page in PAGES:
        for info, body in fenced_blocks(page):
            include, title = INCLUDE.search(body), re.search(r'title="([^"]*)"', info)
            if include and title:
                found.append((page, title[1], include["target"]))
    return found


def edited_files() -> set[str]:
    """The snippets a walkthrough only merges into a generated file (`edit`
    steps): fragments, never the whole file the reader ends up with."""
    return {str((w.source / s.edit).relative_to(ROOT)) for w in walkthroughs() for s in w.steps if s.edit}


@pytest.mark.parametrize(
    ("page", "title", "target"), [pytest.param(*t, id=f"{t[0].name}:{t[1]}") for t in titled_includes()]
)
def test_a_block_titled_as_a_file_is_the_whole_file(page: Path, title: str, target: str) -> None:
    """A block titled with nothing but a path shows that whole file: its
    include names a whole file (no section) whose path ends with the title,
    and no walkthrough merges it into a larger one. A fragment says what to
    do with it: its title starts with "Add" and names the file it goes into."""
    path, _, section = target.partition(":")
    fragment = bool(section) or path in edited_files()
    where = f"{page.name}: the block titled {title!r} ({target})"
    if BARE_PATH.fullmatch(title):
        assert not fragment, f"{where} is titled as a whole file but holds part of one"
        assert path.endswith("/" + title), f"{where} is titled as a file it does not show"
    elif path in edited_files():
        into = title.rpartition(" ")[2]
        assert title.startswith("Add ") and BARE_PATH.fullmatch(into) and path.endswith("/" + into), (
            f"{where}: a fragment the reader merges into a file is titled \"Add … <that file>\""
        )


def test_every_snippet_is_on_a_page() -> None:
    """Every file in snippets/ is shown: Python files by an include, walkthrough
    data by the markers that render each step with commands or URLs."""
    shown = {target.partition(":")[0] for _, target in all_includes()}
    missing = []
    for path in sorted(SNIPPETS.rglob("*")):
        if path.is_dir():
            continue
        rel = str(path.relative_to(ROOT))
        if path.name == "walkthroughs.yml" or path == VENV_FILE:  # data the markers render
            continue
        if rel not in shown:
            missing.append(rel)
    assert not missing, f"files in snippets/ that no page includes: {missing}"


@pytest.mark.parametrize("w", walkthroughs(), ids=lambda w: w.id)
def test_every_step_is_on_its_page(w: Walkthrough) -> None:
    """What the tests type and open is what the page shows: each step's
    commands and each server's URLs have a marker on the walkthrough's page,
    and each file it saves is included there."""
    page = ROOT / w.page_file
    on_page = markers(page)
    shown = {t.partition(":")[0] for t in includes(page)}
    for step in w.steps:
        ref = f"{w.id}.{step.id}"
        if step.commands or step.serve:
            assert ("run", ref) in on_page, f'{w.page_file} does not show step {ref}: add {{{{ run("{ref}") }}}}'
        if step.visits:
            assert ("visit", ref) in on_page, (
                f'{w.page_file} does not list the URLs of {ref}: add {{{{ visit("{ref}") }}}}'
            )
        for rel in filter(None, (step.copy, step.edit)):
            source = str((w.source / rel).relative_to(ROOT))
            assert source in shown, f"{w.page_file} never includes {source}, which the reader saves"


@pytest.mark.parametrize("key", list(registry.frameworks()))
def test_framework_page_opens_with_its_verified_box(key: str) -> None:
    """Each framework page names, right under its title, what it was verified with."""
    lines = (DOCS / f"{key}.md").read_text().split("\n")
    box = f'{{{{ verified("{key}") }}}}'
    assert lines[0].startswith("# ") and box in lines[1:3], f"docs/{key}.md: put {box} under the title"


@pytest.mark.parametrize("key", list(registry.frameworks()))
def test_framework_page_starts_in_a_virtual_environment(key: str) -> None:
    """Each framework page shows the shared virtual-environment block once,
    before the first command it asks the reader to type."""
    text = re.sub(r"^```.*?^```", "", (DOCS / f"{key}.md").read_text(), flags=re.M | re.S)
    block, first_command = text.find("{{ venv() }}"), text.find("{{ run(")
    assert text.count("{{ venv() }}") == 1 and 0 <= block < first_command, (
        f"docs/{key}.md: show {{{{ venv() }}}} once, before its first {{{{ run(...) }}}}"
    )


def test_every_snippet_is_run() -> None:
    """Every Python file in snippets/ is saved, edited or served by a
    walkthrough, so a test runs it (and coverage of 100% says every line ran)."""
    used = set()
    for w in walkthroughs():
        for step in w.steps:
            for rel in filter(None, (step.copy, step.edit)):
                used.add(w.source / rel)
            if step.serve:
                used.add(w.snippet(step))
    missing = [str(p.relative_to(ROOT)) for p in SNIPPETS.rglob("*.py") if p not in used]
    assert not missing, f"snippets no walkthrough runs: {missing}"


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.stem in {Path(w.page_file).stem for w in walkthroughs()}], ids=lambda p: p.name
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
    example_ports = ports() | registry.benchmark_ports()
    assert host == "127.0.0.1" and int(port) not in example_ports, config["dev_addr"]
    assert "snippets" in config["watch"], "make serve would not reload on snippet edits"


def test_workflows_pass_actionlint() -> None:
    """The GitHub Actions workflows are valid and use no deprecated actions."""
    actionlint = Path(sys.executable).parent / "actionlint"
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    result = subprocess.run([actionlint, *workflows], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def framework_files(text: str) -> list[str]:
    """The files named (in backticks) by the "Adding a framework" list of a document."""
    section = text.split("## Adding a framework", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`([\w./<>-]+(?:/|\.\w+))`", section)


def test_adding_a_framework_is_listed_alike() -> None:
    """The README and the verification page name the same files a new framework touches."""
    readme = framework_files((ROOT / "README.md").read_text())
    page = framework_files((DOCS / "verification.md").read_text())
    assert readme and readme == page, f"README.md lists {readme}; docs/verification.md lists {page}"
