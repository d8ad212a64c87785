"""Every cell of the feature matrix (docs/features.md), checked against the
installed frameworks: measured cells recomputed another way, and each
yes-or-no cell tried in a clean environment that holds only the framework
and its own dependencies (tests/feature_probes.py): where the table says
yes, the feature runs there; where it says no, the attempt shows it missing,
and what the cell `needs` makes it run. Then the releases table, against
the installed metadata and the data file it comes from."""

from __future__ import annotations

import collections
import datetime
import functools
import json
import re
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from guide import processes, registry, releases
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


@pytest.fixture(scope="session")
def pip_requires(run_once: Callable[[str, Callable[[Path], None]], Path]) -> dict[str, set[str]]:
    """What pip says each installed distribution requires, by canonical name
    (asked once per run: pip takes seconds to read them all)."""

    def ask(path: Path) -> None:
        out = subprocess.run([sys.executable, "-c", PIP_READS], capture_output=True, text=True, check=True)
        path.write_text(out.stdout)

    found = json.loads(run_once("pip-requires.json", ask).read_text())
    return {name: {canonicalize_name(r) for r in reqs} for name, reqs in found.items()}


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


@pytest.mark.parametrize("marker", ['{{ features() }}', '{{ features("releases") }}'])
def test_marker_is_on_the_page(marker: str) -> None:
    """The matrix page carries the markers that render its two tables."""
    page = (DOCS / features.PAGE).read_text()
    assert f"\n{marker}\n" in page, f"{features.PAGE} lacks the {marker} line"




# --------------------------------------------------------------------------
# The clean environments, and every cell tried in them
# --------------------------------------------------------------------------

Installed = dict[Path, dict[str, dict[str, list[tuple[str, ...]]]]]
"""Each site folder: each top-level name in it: each distribution that
installed files under it: those files' path parts."""


@functools.cache
def installed() -> Installed:
    """Who installed what, from every installed distribution's RECORD (read
    once per process: a worker may build several frameworks' environments)."""
    found: Installed = collections.defaultdict(lambda: collections.defaultdict(dict))
    # Only what is installed in the environment's own site folders: once
    # pkg_resources is imported, copies vendored inside setuptools show up too.
    sites = {Path(sysconfig.get_paths()[key]) for key in ("purelib", "platlib")}
    for dist in metadata.distributions():
        if Path(str(dist.locate_file(""))) not in sites:
            continue
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


def fixed_ports(fw: str) -> set[int]:
    """The ports a cell's check serves on because the framework fixes them
    (CherryPy's test helper), which the run holds so no other run uses them."""
    return {DATA[fw][c]["port"] for c in features.COLUMNS if "port" in DATA[fw][c]}


def try_cells(fw: str, to: Path) -> dict[Env, dict[str, Any]]:
    """Each clean environment of one framework built under `to` and every
    probe of it run: one process per environment, all at once, each reporting
    its columns in one go."""
    everything = installed()
    running: dict[Env, subprocess.Popen[str]] = {}
    locks = [processes.port_lock(port) for port in sorted(fixed_ports(fw))]
    try:
        for env, columns in environments().items():
            if env[0] != fw:
                continue
            site = to / "-".join([fw, *env[1]])
            site.mkdir()
            clean_site(features.closure(DATA[fw]["dist"], *env[1]), site, everything)
            running[env] = subprocess.Popen(
                [sys.executable, "-I", "-S", str(PROBES), str(site), fw, DATA[fw]["dist"], *columns],
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


Tried = Callable[[str], dict[Env, dict[str, Any]]]
"""`tried(fw)`: the reports of every clean environment of one framework."""


@pytest.fixture(scope="session")
def tried(run_once: Callable[[str, Callable[[Path], None]], Path]) -> Tried:
    """Each framework's cells tried once per run, when a test first asks for
    them (checking one page tries one framework's): the first xdist worker to
    ask runs its probes and writes their reports; the others read them."""

    @functools.cache
    def of(fw: str) -> dict[Env, dict[str, Any]]:
        def probe(saved: Path) -> None:
            reports = try_cells(fw, Path(tempfile.mkdtemp(prefix=f"clean-{fw}-", dir=saved.parent)))
            saved.write_text(json.dumps([[key, list(needs), report] for (key, needs), report in reports.items()]))

        saved = run_once(f"feature-probes-{fw}.json", probe)
        return {(key, tuple(needs)): report for key, needs, report in json.loads(saved.read_text())}

    return of


def outcome(report: dict[str, Any], env: Env, column: str) -> dict[str, Any]:
    """One column's outcome in one environment; a probe that broke fails here, with its traceback."""
    found = report[column]
    if "error" in found:
        pytest.fail(f"{WHERE}: trying {env[0]}.{column} with {list(env[1]) or 'nothing else'} broke:\n{found['error']}")
    return found


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_clean_environment_holds_only_the_framework(fw: str, tried: Tried) -> None:
    """What the probes could see is exactly what installing the framework
    brings (the dependencies the table counts, and the framework): nothing
    else installed here, such as the asgiref Django brings, can make a cell pass."""
    for (_, needs), report in tried(fw).items():
        expected = {canonicalize_name(d) for d in features.closure(DATA[fw]["dist"], *needs)}
        seen = {canonicalize_name(d) for d in report["seen"]}
        assert seen == expected, f"{fw} with {list(needs)}: the probes saw {sorted(seen)}, not {sorted(expected)}"


@pytest.mark.parametrize(
    ("fw", "column"), [pytest.param(fw, c, id=f"{fw}.{c}") for fw in FRAMEWORKS for c in features.COLUMNS]
)
def test_cell_is_what_the_framework_does(fw: str, column: str, tried: Tried) -> None:
    """In the framework's own environment, a "Yes" runs (routing always:
    the request reaches the route written in the style the cell names) and
    a "No" is shown missing; what a "No" cell `needs`, added, makes it run."""
    cell = DATA[fw][column]
    found = outcome(tried(fw)[(fw, ())], (fw, ()), column)
    expected = cell.get("built_in", True)
    said = "says yes" if expected else "says no"
    assert found["works"] is expected, f"{WHERE}: {fw}.{column} {said}, but the probe found: {found['shown']}"
    if needs := tuple(cell.get("needs", ())):
        own = {canonicalize_name(d) for d in features.closure(DATA[fw]["dist"])}
        added = {canonicalize_name(d) for d in features.closure(DATA[fw]["dist"], *needs)} - own
        assert added, f"{WHERE}: {fw}.{column} needs {list(needs)}, which installing {fw} already brings"
        with_needs = outcome(tried(fw)[(fw, needs)], (fw, needs), column)
        assert with_needs["works"], f"{WHERE}: {fw}.{column} with {list(needs)} still fails: {with_needs['shown']}"


def test_flask_async_needs_only_what_django_brings() -> None:
    """The page's example of borrowing: Flask's `async` extra adds asgiref
    and nothing else, and Django requires asgiref."""
    added = set(features.closure("flask[async]")) - set(features.closure("flask"))
    assert added == {"asgiref"} and "asgiref" in features.requirements("django"), (
        f"{WHERE}: flask[async] adds {sorted(added)}; Django requires {features.requirements('django')}")


@pytest.mark.parametrize(("fw", "column"), [(fw, c) for fw in FRAMEWORKS for c in features.COLUMNS
                                            if "port" in DATA[fw][c]])
def test_fixed_port_is_the_one_it_serves_on(fw: str, column: str, tried: Tried) -> None:
    """A test client that serves on a port of its own choosing serves where
    the registry says, so the lock taken on that port keeps other runs away."""
    needs = tuple(DATA[fw][column]["needs"])
    shown = outcome(tried(fw)[(fw, needs)], (fw, needs), column)["shown"]
    assert f"served on port {DATA[fw][column]['port']}" in shown, f"{WHERE}: {fw}.{column}: {shown}"


# --------------------------------------------------------------------------
# The releases table: data with a source and a day, checked where it can be
# --------------------------------------------------------------------------

RELEASES = releases.load()
DATA_FILE = "guide/releases.yml"
CLASSIFIERS = {"BSD-3-Clause": "License :: OSI Approved :: BSD License",
               "MIT": "License :: OSI Approved :: MIT License",
               "Apache-2.0": "License :: OSI Approved :: Apache Software License"}
"""The license classifier each licence goes with."""
WORDING = {"BSD-3-Clause": ["Redistribution and use in source and binary forms", "Neither the name of"],
           "MIT": ["Permission is hereby granted, free of charge"],
           "Apache-2.0": ["Apache License", "Version 2.0"]}
"""Words each licence's text holds (the third BSD clause is the one that starts "Neither the name")."""


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_release_facts_name_their_source_and_day(fw: str) -> None:
    """Every framework has its licence and release history recorded (and
    a support window at most), each with where and when it was read."""
    facts = RELEASES.get(fw)
    assert facts, f"{DATA_FILE} has no entry for {fw}: run `python -m guide.releases` with network"
    assert {"licence", "releases"} <= facts.keys() <= {"licence", "releases", "support"}, f"{DATA_FILE}: {fw}: {sorted(facts)}"
    for what, fact in facts.items():
        assert fact.get("source"), f"{DATA_FILE}: {fw}.{what} names no source"
        checked = fact.get("checked")
        assert isinstance(checked, datetime.date) and checked <= datetime.date.today(), (
            f"{DATA_FILE}: {fw}.{what} checked {checked!r}, not a day that has been")


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_latest_release_is_not_older_than_the_installed_one(fw: str) -> None:
    """The installed version is at most the latest release recorded, which
    is newer than the one before it, released no later than it was read."""
    history = RELEASES[fw]["releases"]
    latest, previous = history["latest"], history["previous"]
    installed = Version(metadata.version(DATA[fw]["dist"]))
    assert installed <= Version(latest["version"]), (
        f"{DATA_FILE}: {fw} {installed} is installed, but the latest release recorded is {latest['version']}: "
        "refresh it (`python -m guide.releases`)")
    assert Version(previous["version"]) < Version(latest["version"]), f"{DATA_FILE}: {fw}: {previous} is not before {latest}"
    assert previous["date"] <= latest["date"] <= history["checked"], f"{DATA_FILE}: {fw}: dates out of order"


def licence_files(dist: str) -> list[str]:
    d = metadata.distribution(dist)
    return [Path(str(d.locate_file(f))).read_text(errors="replace") for f in d.files or []
            if ".dist-info" in str(f) and f.name.upper().startswith(("LICENSE", "LICENCE", "COPYING"))]


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_licence_is_the_installed_metadata_s(fw: str) -> None:
    """The licence recorded is the installed package's `License-Expression`,
    else its `License` field; where it states neither, its license
    classifier and the licence file it ships agree with it."""
    value = RELEASES[fw]["licence"]["value"]
    meta = metadata.metadata(DATA[fw]["dist"])
    stated = meta.get("License-Expression") or meta.get("License")
    if stated:
        assert stated.strip() == value, f"{DATA_FILE}: {fw} licence {value}, its metadata says {stated!r}"
        return
    assert CLASSIFIERS.get(value) in (meta.get_all("Classifier") or []), f"{DATA_FILE}: {fw}: no classifier for {value}"
    texts = licence_files(DATA[fw]["dist"])
    assert any(all(words in text for words in WORDING[value]) for text in texts), (
        f"{DATA_FILE}: {fw} licence {value}: no licence file it ships reads like one")


@pytest.mark.parametrize("fw", [fw for fw in FRAMEWORKS if "support" in RELEASES[fw]])
def test_support_window_is_the_long_term_line_s(fw: str) -> None:
    """A support window is the one of the framework's long-term-support line,
    as the registry's release lines give it (the Django page's box shows those):
    the same series, the same month for the end of security fixes, and
    security fixes outlasting mainstream support."""
    window = RELEASES[fw]["support"]
    lines = registry.framework(fw).lines.get("releases", {})
    lts = [line for line, data in lines.items() if data["lts"]]
    assert window["series"] in lts, f"{DATA_FILE}: {fw} window for {window['series']}; the registry's LTS lines: {lts}"
    said = lines[window["series"]]["security_fixes_until"]
    assert f"{window['security_until']:%B %Y}" == said, (
        f"{DATA_FILE}: {fw} {window['series']} security fixes until {window['security_until']}; "
        f"guide/frameworks.yml says {said}"
    )
    assert window["mainstream_until"] <= window["security_until"], f"{DATA_FILE}: {fw}: {window}"


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_release_row_shows_the_data(fw: str) -> None:
    """The releases table shows the data recorded, and the Python versions
    from the installed classifiers, read here without the renderer's code."""
    facts = RELEASES[fw]
    cells = dict(zip(features.RELEASE_HEADINGS, features.release_row(fw), strict=True))
    meta = metadata.metadata(DATA[fw]["dist"])
    minors = sorted(int(c.rsplit(".", 1)[1]) for c in meta.get_all("Classifier") or []
                    if c.startswith("Programming Language :: Python :: 3.") and c.rsplit(".", 1)[1].isdigit())
    latest = facts["releases"]["latest"]
    expected = {
        "Licence": f"`{facts['licence']['value']}`",
        "Python": f"3.{minors[0]} to 3.{minors[-1]}" if minors else "no versions listed",
        "Latest release": f"[{latest['version']}](https://pypi.org/project/{DATA[fw]['dist']}/{latest['version']}/), "
                          f"{latest['date'].day} {latest['date']:%b %Y}",
        "The one before": facts["releases"]["previous"]["version"],
        "Support window": f"security fixes until {facts['support']['security_until'].day}"
                          if "support" in facts else "no dates published",
    }
    for heading, text in expected.items():
        assert text in cells[heading], f"{WHERE}: {fw} {heading} shows {cells[heading]!r}, expected {text!r}"
    if requires := meta.get("Requires-Python"):
        assert requires.replace(" ", "") in cells["Python"], f"{WHERE}: {fw} Python shows {cells['Python']!r}"


@pytest.mark.parametrize(("days", "said"), [(0, "the same day"), (1, "1 day"), (9, "9 days"), (28, "4 weeks"),
                                            (183, "6 months"), (930, "2 years 7 months"), (731, "2 years")])
def test_time_between_releases_reads_naturally(days: int, said: str) -> None:
    assert features.span(days) == said


def pypi_payload(name: str, **info: Any) -> dict[str, Any]:
    """A PyPI JSON payload in miniature: a pre-release, a yanked release
    and a version PEP 440 cannot read above the two newest final ones."""
    def files(day: str, yanked: bool = False) -> list[dict[str, Any]]:
        return [{"upload_time_iso_8601": f"{day}T10:00:00.000000Z", "yanked": yanked},
                {"upload_time_iso_8601": f"{day}T09:00:00.000000Z", "yanked": yanked}]

    return {"info": {"name": name, "license_expression": None, "license": "", **info},
            "releases": {"1.0": files("2024-01-02"), "1.1": files("2024-03-04"), "2.0": files("2025-05-06"),
                         "2.1rc1": files("2025-06-01"), "2.1": files("2025-07-01", yanked=True),
                         "2.2-final-x": files("2025-08-01"), "3.0": []}}


def test_refresh_reads_every_fact_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`refresh()` (the weekly upgrade check's step) takes the two newest final
    releases and the stated licence from PyPI, the support window of the
    installed series from its source, writes the file and says what changed;
    it keeps a licence PyPI does not state, and a window it cannot read."""
    data = tmp_path / "releases.yml"
    data.write_text(releases.DATA.read_text())
    monkeypatch.setattr(releases, "DATA", data)
    lts = releases.load()["django"]["support"]["series"]  # the long-term line, whichever Django is installed
    asked: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        asked.append(url)
        if url.startswith("https://endoflife.date/"):
            return {"result": {"name": "django", "releases": [
                {"name": "99.0", "isLts": False, "eoasFrom": "2099-01-01", "eolFrom": "2099-02-03"},
                {"name": lts, "isLts": True, "eoasFrom": "2030-01-01", "eolFrom": "2031-02-03"}]}}
        name = url.split("/")[4]
        return pypi_payload(name, license_expression=None if name == "cherrypy" else "MIT")

    changes = releases.refresh(fetch, datetime.date(2030, 6, 1))
    after = releases.load()
    assert after["flask"]["licence"] == {"value": "MIT", "source": "https://pypi.org/pypi/flask/json",
                                         "checked": datetime.date(2030, 6, 1)}
    assert after["cherrypy"]["licence"] == RELEASES["cherrypy"]["licence"]
    assert after["bottle"]["releases"]["latest"] == {"version": "2.0", "date": datetime.date(2025, 5, 6)}
    assert after["bottle"]["releases"]["previous"] == {"version": "1.1", "date": datetime.date(2024, 3, 4)}
    assert after["django"]["support"]["security_until"] == datetime.date(2031, 2, 3)
    assert any(c.startswith("Flask latest: ") and c.endswith(" -> 2.0 (2025-05-06)") for c in changes), changes
    assert any(c.startswith("CherryPy: PyPI states no licence; kept") for c in changes), changes
    assert len(asked) == len(FRAMEWORKS) + 1

    def offline(url: str) -> dict[str, Any]:
        if url.startswith("https://endoflife.date/"):
            raise OSError("no network")
        return fetch(url)

    changes = releases.refresh(offline, datetime.date(2030, 6, 2))
    assert releases.load()["django"]["support"]["checked"] == datetime.date(2030, 6, 1), "a window not read was re-dated"
    assert any("support window not refreshed" in c for c in changes), changes
