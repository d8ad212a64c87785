"""`make serve` shows an edit as the whole build would show it.

guide/serve.py rebuilds only the page whose expanded text an edit changed. The
test runs it as the Makefile does, on a copy of the guide's sources (the other
tests read the real ones), edits a snippet and a page, and checks that each
page it rebuilt alone, and the search index beside it, are what the whole
build makes of the same files.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from guide.clients import loopback_client
from guide.paths import ROOT
from guide.processes import Server, free_port, reader_env
from guide.serve import one_page
from guide.walkthroughs import Command

EDITS = {
    # an included snippet, and a page whose navigation title is its own heading
    "snippets/flask/hello/app.py": ("docs/flask.md", "/flask/", "# edited by test_serve"),
    "docs/verification.md": ("docs/verification.md", "/verification/", "Edited by test_serve."),
}


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of every file in the repository (the Verification page shows its tree)."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in tracked.stdout.split("\0"):
        if name and (ROOT / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def served(html: str) -> str:
    """A page without the reload script's build stamp, which every build changes."""
    return re.sub(r"livereload\(\d+, \d+\)", "livereload()", html)


def search_entries(index: dict) -> list[tuple[str, str]]:
    return sorted((doc["location"], doc["text"]) for doc in index["docs"])


def test_an_edit_rebuilds_its_page_as_the_whole_build_would(sources: Path) -> None:
    port = free_port()
    command = Command(f"{shlex.quote(sys.executable)} -m guide.serve -a 127.0.0.1:{port}", output=("Serving on",))
    env = {**reader_env(), "PYTHONPATH": str(sources), "NO_MKDOCS_2_WARNING": "1"}
    with Server(command, port, sources, "make serve", env) as server, loopback_client(server.base_url) as client:
        alone = {}
        for n, (edited, (page, url, text)) in enumerate(EDITS.items(), start=1):
            with (sources / edited).open("a") as file:
                file.write(f"\n{text}\n")
            assert server.printed("Reloading browsers", times=n, timeout=20), server.output
            assert f"Rebuilt {page} alone" in server.output, f"an edit to {edited} rebuilt the whole site"
            alone[url] = served(client.get(url).text)
            assert text in alone[url], f"{url} does not show the edit to {edited}"
        index = search_entries(client.get("/search/search_index.json").json())
        (sources / "mkdocs.yml").touch()  # the whole site, from the same files
        assert server.printed("Reloading browsers", times=len(EDITS) + 1, timeout=30), server.output
        assert server.output.count(" alone") == len(EDITS), server.output
        for url, html in alone.items():
            assert served(client.get(url).text) == html, (
                f"{url} rebuilt alone differs from the whole build's (a page without its title in "
                "mkdocs.yml's nav shows as None in the navigation of a page rebuilt alone)"
            )
        assert search_entries(client.get("/search/search_index.json").json()) == index


A, B, INDEX = Path("docs/a.md"), Path("docs/b.md"), Path("docs/index.md")


@pytest.mark.parametrize(
    ("before", "after", "rebuilt"),
    [
        ({A: "1", B: "1"}, {A: "1", B: "1"}, []),
        ({A: "1", B: "1"}, {A: "2", B: "1"}, [A]),
        ({A: "1", B: "1"}, {A: "2", B: "2"}, None),
        ({A: "1", INDEX: "1"}, {A: "1", INDEX: "2"}, None),
        ({A: "1"}, {A: "1", B: "1"}, None),
        (None, {A: "1"}, None),
        ({A: "1"}, None, None),
    ],
    ids=["none", "one", "two", "home", "added", "after-a-failure", "failing"],
)
def test_which_edits_rebuild_one_page(before: dict | None, after: dict | None, rebuilt: list | None) -> None:
    """One page changed: that page alone. More, the home page (whose search
    entries Material cannot merge), a page added or removed, a failure:
    the whole site."""
    assert one_page(before, after) == rebuilt
