"""The framework registry (`guide/frameworks.yml`) is the one place a fact about
a framework is written: every entry is complete and consistent with the
walkthrough data, and no port or benchmark command is written anywhere else."""

from __future__ import annotations

import re
import subprocess
from importlib import metadata

import pytest

from guide import registry
from guide.clients import CLIENTS
from guide.paths import DOCS, ROOT, SNIPPETS
from guide.walkthroughs import ports, walkthroughs

FRAMEWORKS = list(registry.frameworks())
ALLOWED = {"guide/frameworks.yml", "bench/results.json", "requirements.lock"}
"""Files where ports and benchmark commands may be written: the registry, and
data generated from it. Besides them, the reader's own files (`snippets/`,
walkthroughs included) carry the ports the pages show, and the article's code,
kept as printed (`tests/article/`), the ports the article uses."""
VERBATIM = ("snippets/", "tests/article/")


@pytest.mark.parametrize("key", FRAMEWORKS)
def test_entry_is_complete(key: str) -> None:
    """A page, a snippet folder, an installed distribution, a known client kind,
    an Items API with the `dev` and `prod` steps the Compare page shows."""
    fw = registry.framework(key)
    where = f"guide/frameworks.yml ({key})"
    assert (DOCS / fw.page).is_file(), f"{where}: no page docs/{fw.page}"
    assert (SNIPPETS / key / "walkthroughs.yml").is_file(), f"{where}: no snippets/{key}/walkthroughs.yml"
    assert metadata.version(fw.dist), f"{where}: {fw.dist} is not installed"
    assert fw.client in {*CLIENTS, "django"}, f"{where}: unknown client kind {fw.client!r}"
    items = fw.items_walkthrough()
    assert {"dev", "prod"} <= {s.id for s in items.servers}, f"{where}: {fw.items_api} lacks dev/prod"
    assert registry.framework_of(items) is fw


def test_every_walkthrough_belongs_to_a_framework() -> None:
    """Each walkthrough is on a framework's page or is a framework's Items API."""
    owners = {w.id: registry.framework_of(w).key for w in walkthroughs()}
    assert set(owners.values()) == set(FRAMEWORKS)


def test_benchmark_ports_are_its_own() -> None:
    """Each benchmark target has a port of its own, used by no page."""
    targets = registry.targets()
    taken: dict[int, str] = {}
    for key, target in targets.items():
        assert target.port not in ports(), f"{key}: port {target.port} is a page's port too"
        if target.port in taken and not {key, taken[target.port]} <= set(registry.slow_servers()):
            pytest.fail(f"{key} and {taken[target.port]} both use port {target.port}")
        taken[target.port] = key


def tracked_text_files() -> list[str]:
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True)
    return [
        f for f in files.stdout.splitlines()
        if f not in ALLOWED and not f.startswith(VERBATIM) and (ROOT / f).is_file()
        and not f.endswith((".png", ".ico", ".svg", ".woff2"))
    ]


def port_pattern(port: int) -> re.Pattern[str]:
    """A port written as a port: after the word "port" (`--port`, `port=`,
    `socket_port:`, "on port"), after a host (`127.0.0.1:`), or in `listen(`;
    not a count such as "5000 digits"."""
    return re.compile(rf"(?i)(?:(?<![a-z])port\w*\W{{0,4}}|(?<=[\w\]]):|listen\(\s*){port}(?!\d)")


def literals() -> dict[str, re.Pattern[str]]:
    """Each port (of a page or of the benchmark) and each benchmark command, as
    a pattern that finds it written out."""
    found = {str(p): port_pattern(p) for p in ports() | registry.benchmark_ports()}
    for key, target in registry.targets().items():
        for text in {target.line, target.command}:
            found[f"{key}: {text}"] = re.compile(re.escape(text))
    return found


def test_ports_and_targets_are_written_once() -> None:
    """No port and no benchmark command is written outside the registry and
    the reader's own files: pages name ports with `{{ port("...") }}`, code
    reads them from `guide.registry` or the walkthrough data."""
    patterns = literals()
    offenders = []
    for name in tracked_text_files():
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        for what, pattern in patterns.items():
            for found in pattern.finditer(text):  # the whole text: a sentence may wrap
                number = text.count("\n", 0, found.start()) + 1
                offenders.append(f"{name}:{number}: {what}: {found[0].strip()[:120]!r}")
    assert not offenders, "written outside guide/frameworks.yml:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    ("text", "found"),
    [("server.listen({port})", True), ("--port {port}", True), ("on port\n{port}, so", True),
     ("http://127.0.0.1:{port}/", True), ("socket_port: {port}", True),
     ("{port} digits", False), ('"id": {port}', False), ("important {port}", False)],
)
def test_literal_check_finds_a_port_written_as_a_port(text: str, found: bool) -> None:
    """The check above can fail: it finds a port written as a port, and only then."""
    port = min(ports())
    assert bool(port_pattern(port).search(text.format(port=port))) is found
