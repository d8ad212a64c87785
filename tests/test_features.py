"""Every cell of the feature matrix (docs/features.md), checked against the
installed frameworks: measured cells recomputed another way, and each
yes-or-no cell tried in a clean environment that holds only the framework
and its own dependencies (tests/feature_probes.py): where the table says
yes, the feature runs there; where it says no, the attempt shows it missing,
and what the cell `needs` makes it run."""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.utils import canonicalize_name

from guide import processes, registry
from guide.paths import DOCS, ROOT
from guide.render import features

DATA = {key: {**fw.features, "dist": fw.dist} for key, fw in registry.frameworks().items()}
"""Each framework's typed cells, and the distribution the cells are checked against."""
FRAMEWORKS = list(DATA)
WHERE = "docs/features.md (guide/frameworks.yml)"
PROBES = Path(__file__).with_name("feature_probes.py")


# --------------------------------------------------------------------------
# The data and what the build measures
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_every_cell_is_typed_with_a_link(fw: str) -> None:
    """Every typed column has text and a link into the guide (the strict build
    checks its anchor); every column but routing says yes or no, and its
    text starts with the same word."""
    for column in features.COLUMNS:
        cell = DATA[fw].get(column)
        assert cell and cell.get("text") and cell.get("link"), f"{WHERE}: {fw}.{column} lacks text or link"
        page = cell["link"].partition("#")[0] or features.PAGE
        assert (DOCS / page).is_file(), f"{WHERE}: {fw}.{column} links to missing {page}"
        if column != "routing":
            assert isinstance(cell.get("built_in"), bool), f"{WHERE}: {fw}.{column} needs built_in"
            said = "Yes" if cell["built_in"] else "No"
            assert re.match(rf"{said}\b", cell["text"]), f"{WHERE}: {fw}.{column} is {said} but reads {cell['text']!r}"


PIP_READS = """
import json
from pip._internal.metadata import get_default_environment
dists = get_default_environment().iter_installed_distributions(local_only=False, skip=())
print(json.dumps({d.canonical_name: [r.name for r in d.iter_dependencies()] for d in dists}))
"""
"""pip's own reading of installed metadata: the code behind the Requires line
of `pip show` (markers evaluated by pip's vendored packaging, no extras)."""


@pytest.fixture(scope="module")
def pip_requires() -> dict[str, set[str]]:
    """What pip says each installed distribution requires, by canonical name."""
    out = subprocess.run([sys.executable, "-c", PIP_READS], capture_output=True, text=True, check=True)
    return {name: {canonicalize_name(r) for r in reqs} for name, reqs in json.loads(out.stdout).items()}


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_dependency_count(fw: str, pip_requires: dict[str, set[str]]) -> None:
    """The dependencies counted are the closure of what pip reports."""
    own = canonicalize_name(DATA[fw]["dist"])
    closure, todo = set(), [own]
    while todo:
        for dep in pip_requires[todo.pop()] - closure - {own}:
            closure.add(dep)
            todo.append(dep)
    counted = {canonicalize_name(d) for d in features.requirements(DATA[fw]["dist"])}
    assert counted == closure, (
        f"{WHERE}: {fw} dependencies: the page counts {sorted(counted)}, pip says {sorted(closure)}"
    )


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_row_shows_what_is_measured(fw: str) -> None:
    """The row shows the installed version, the dev and prod commands of the
    Items API's walkthrough, the dependency count and the file's line count,
    each recomputed here (a missing Items API file fails, naming it)."""
    path = features.items_api(fw)
    assert path.is_file(), f"{WHERE}: {fw} has no Items API at {path.relative_to(ROOT)}"
    lines = sum(1 for line in path.read_bytes().split(b"\n") if line.strip())
    w = registry.framework(fw).items_walkthrough()
    dist = metadata.distribution(DATA[fw]["dist"])
    cells = dict(zip(features.HEADINGS, features.row(fw), strict=True))
    expected = {
        "Framework": f"]({fw}.md) {dist.version}",
        "Development server": f"[`{w.step('dev').serve.line}`]",
        "Production server": f"[`{w.step('prod').serve.line}`]",
        "Dependencies": f"[{len(features.requirements(DATA[fw]['dist']))}]",
        "Items API lines": f"[{lines}]",
    }
    for heading, text in expected.items():
        assert text in cells[heading], f"{WHERE}: {fw} {heading} shows {cells[heading]!r}, expected {text!r}"


def test_missing_items_api_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """A framework without its Items API file breaks the build, naming the file."""
    monkeypatch.setattr(features, "items_api", lambda key: ROOT / "no-such-folder" / key / "app.py")
    with pytest.raises(FileNotFoundError, match=r"needs no-such-folder/flask/app\.py"):
        features.lines("flask")


@pytest.mark.parametrize("marker", ['{{ features() }}'])
def test_marker_is_on_the_page(marker: str) -> None:
    """The matrix page carries the marker that renders its table."""
    page = (DOCS / features.PAGE).read_text()
    assert f"\n{marker}\n" in page, f"{features.PAGE} lacks the {marker} line"




# --------------------------------------------------------------------------
# The clean environments, and every cell tried in them
# --------------------------------------------------------------------------

Installed = dict[Path, dict[str, dict[str, list[tuple[str, ...]]]]]
"""Each site folder: each top-level name in it: each distribution that
installed files under it: those files' path parts."""


def installed() -> Installed:
    """Who installed what, from every installed distribution's RECORD."""
    found: Installed = collections.defaultdict(lambda: collections.defaultdict(dict))
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        tops = found[Path(str(dist.locate_file("")))]
        for file in dist.files or []:
            if file.parts[0] != "..":  # a script in bin/, outside the site folder
                tops[file.parts[0]].setdefault(name, []).append(file.parts)
    return found


def clean_site(wanted: list[str], to: Path, everything: Installed) -> None:
    """A site folder at `to` that holds the installed files of `wanted`
    distributions and nothing else: each folder or file that no other
    distribution has a file in is linked whole; the others (`__pycache__`,
    namespace packages) are made and filled one level down at a time."""
    want = {canonicalize_name(name) for name in wanted}

    def place(root: Path, parts: tuple[str, ...], owners: dict[str, list[tuple[str, ...]]]) -> None:
        if owners.keys() <= want:
            to.joinpath(*parts).symlink_to(root.joinpath(*parts))
            return
        to.joinpath(*parts).mkdir()
        below: dict[tuple[str, ...], dict[str, list[tuple[str, ...]]]] = collections.defaultdict(dict)
        for name, files in owners.items():
            for file in files:
                if len(file) > len(parts):
                    below[file[: len(parts) + 1]].setdefault(name, []).append(file)
        for child, under in below.items():
            if under.keys() & want:
                place(root, child, under)

    for root, tops in everything.items():
        for top, owners in tops.items():
            if owners.keys() & want:
                place(root, (top,), owners)


Env = tuple[str, tuple[str, ...]]
"""A clean environment: a framework, and what it holds besides (a cell's `needs`)."""


def environments() -> dict[Env, list[str]]:
    """Every clean environment the cells ask for, and the columns tried in
    it: every column in the framework's own; a cell's column in the one with
    what it `needs`."""
    envs: dict[Env, list[str]] = {}
    for fw, data in DATA.items():
        envs[(fw, ())] = list(features.COLUMNS)
        for column in features.COLUMNS:
            if needs := tuple(data[column].get("needs", ())):
                envs.setdefault((fw, needs), []).append(column)
    return envs


def port_held(env: Env) -> list[int]:
    """Fixed ports the columns tried in `env` serve on (a test client
    that picks its own), so no other run uses them meanwhile."""
    fw, needs = env
    return [DATA[fw][c]["port"] for c in environments()[env] if "port" in DATA[fw][c] and needs]


@pytest.fixture(scope="module")
def tried(tmp_path_factory: pytest.TempPathFactory) -> dict[Env, dict[str, Any]]:
    """Each clean environment built and every probe of it run: one process
    per environment, all at once, each reporting its columns in one go."""
    everything = installed()
    running: dict[Env, subprocess.Popen[str]] = {}
    locks = []
    try:
        for env, columns in environments().items():
            fw, needs = env
            site = tmp_path_factory.mktemp(f"clean-{fw}")
            clean_site(features.closure(DATA[fw]["dist"], *needs), site, everything)
            locks += [processes.port_lock(port) for port in port_held(env)]
            running[env] = subprocess.Popen(
                [sys.executable, "-I", "-S", str(PROBES), str(site), fw, *columns],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=site)
        reports = {}
        for env, proc in running.items():
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, f"{PROBES.name} {env}: exit {proc.returncode}\n{err}"
            reports[env] = json.loads(out)
        return reports
    finally:
        for proc in running.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for lock in locks:
            lock.close()


def outcome(report: dict[str, Any], env: Env, column: str) -> dict[str, Any]:
    """One column's outcome in one environment; a probe that broke fails here, with its traceback."""
    found = report[column]
    if "error" in found:
        pytest.fail(f"{WHERE}: trying {env[0]}.{column} with {list(env[1]) or 'nothing else'} broke:\n{found['error']}")
    return found


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_clean_environment_holds_only_the_framework(fw: str, tried: dict[Env, dict[str, Any]]) -> None:
    """What the probes could see is exactly what installing the framework
    brings (the dependencies the table counts, and the framework): nothing
    else installed here, such as the asgiref Django brings, can make a cell pass."""
    for (key, needs), report in tried.items():
        if key == fw:
            expected = {canonicalize_name(d) for d in features.closure(DATA[fw]["dist"], *needs)}
            seen = {canonicalize_name(d) for d in report["seen"]}
            assert seen == expected, f"{fw} with {list(needs)}: the probes saw {sorted(seen)}, not {sorted(expected)}"


@pytest.mark.parametrize(
    ("fw", "column"), [pytest.param(fw, c, id=f"{fw}.{c}") for fw in FRAMEWORKS for c in features.COLUMNS]
)
def test_cell_is_what_the_framework_does(fw: str, column: str, tried: dict[Env, dict[str, Any]]) -> None:
    """In the framework's own environment, a "Yes" runs (routing always:
    the request reaches the route written in the style the cell names) and
    a "No" is shown missing; what a "No" cell `needs`, added, makes it run."""
    cell = DATA[fw][column]
    found = outcome(tried[(fw, ())], (fw, ()), column)
    expected = cell.get("built_in", True)
    said = "says yes" if expected else "says no"
    assert found["works"] is expected, f"{WHERE}: {fw}.{column} {said}, but the probe found: {found['shown']}"
    if needs := tuple(cell.get("needs", ())):
        own = {canonicalize_name(d) for d in features.closure(DATA[fw]["dist"])}
        added = {canonicalize_name(d) for d in features.closure(DATA[fw]["dist"], *needs)} - own
        assert added, f"{WHERE}: {fw}.{column} needs {list(needs)}, which installing {fw} already brings"
        with_needs = outcome(tried[(fw, needs)], (fw, needs), column)
        assert with_needs["works"], f"{WHERE}: {fw}.{column} with {list(needs)} still fails: {with_needs['shown']}"


def test_flask_async_needs_only_what_django_brings() -> None:
    """The page's example of borrowing: Flask's `async` extra adds asgiref
    and nothing else, and Django requires asgiref."""
    added = set(features.closure("flask[async]")) - set(features.closure("flask"))
    assert added == {"asgiref"} and "asgiref" in features.requirements("django"), (
        f"{WHERE}: flask[async] adds {sorted(added)}; Django requires {features.requirements('django')}")


@pytest.mark.parametrize(("fw", "column"), [(fw, c) for fw in FRAMEWORKS for c in features.COLUMNS
                                            if "port" in DATA[fw][c]])
def test_fixed_port_is_the_one_it_serves_on(fw: str, column: str, tried: dict[Env, dict[str, Any]]) -> None:
    """A test client that serves on a port of its own choosing serves where
    the registry says, so the lock taken on that port keeps other runs away."""
    needs = tuple(DATA[fw][column]["needs"])
    shown = outcome(tried[(fw, needs)], (fw, needs), column)["shown"]
    assert f"served on port {DATA[fw][column]['port']}" in shown, f"{WHERE}: {fw}.{column}: {shown}"

