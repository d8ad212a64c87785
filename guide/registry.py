"""The framework registry: `guide/frameworks.yml`, read once into typed objects.

Every fact about a framework (key, display name, distribution, in-process
client, Items API, benchmark rows and their ports, feature-matrix cells) is
written in that one file; page tables, the feature matrix, the benchmark, the
Performance page and the leftover-port check all read it from here. The one
exception is what a program reads from the network for the feature matrix
(licences, release history, support windows): `guide/releases.yml`, written
by `guide.releases.refresh`, keyed by the same framework keys.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path
from typing import Any

import yaml

from guide.walkthroughs import Walkthrough, walkthrough

DATA = Path(__file__).with_name("frameworks.yml")


def workers() -> int:
    """gunicorn's documented starting point for its worker count, (2 x cores) + 1,
    for the cores this process may use: what `{workers}` in a command means."""
    return 2 * len(os.sched_getaffinity(0)) + 1


@dataclasses.dataclass(frozen=True)
class Source:
    """Where a framework's (or its server's) own documentation says how to run
    it in production: a sentence the Performance page shows, and its address."""

    text: str
    url: str


@dataclasses.dataclass(frozen=True)
class Target:
    """A server the benchmark measures besides the Compare page's own commands:
    a framework's variant, a reference point, or a slow-request server."""

    key: str
    label: str
    command: str
    port: int
    output: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    items_api: str | None = None
    """Run in a copy of this Items API walkthrough's folder (else in bench/servers/)."""
    framework: str | None = None
    """For a variant, the framework whose Items API it serves."""
    needs: str | None = None
    websockets: bool = False
    documented: Source | None = None
    """Set on the variant that serves the framework as its documentation runs it in production."""

    @property
    def line(self) -> str:
        """The command, with its port and worker count filled in."""
        return self.command.format(port=self.port, workers=workers())

    @property
    def ready(self) -> tuple[str, ...]:
        """What it prints once it serves, with its port filled in."""
        return tuple(text.format(port=self.port) for text in self.output)


@dataclasses.dataclass(frozen=True)
class Framework:
    """One framework of the guide, as `frameworks.yml` describes it."""

    key: str
    name: str
    dist: str
    client: str
    items_api: str
    related: tuple[str, ...] = ()
    variants: tuple[Target, ...] = ()
    features: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    lines: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Its release lines readers get on different Pythons, where it has more than one."""
    documented: Source | None = None
    """Set when the Compare page's own command is how its documentation runs it in production."""

    @property
    def page(self) -> str:
        """Its page, relative to docs/."""
        return f"{self.key}.md"

    def items_walkthrough(self) -> Walkthrough:
        """Its Items API on the Compare page."""
        return walkthrough(self.items_api)

    def documented_row(self) -> tuple[str, Source]:
        """The benchmark row it is compared on, and the documentation behind
        it: its `documented` variant, or its own Compare command (`self.key`)."""
        rows = [(v.key, v.documented) for v in self.variants if v.documented]
        if self.documented:
            rows.append((self.key, self.documented))
        if len(rows) != 1:
            raise LookupError(f"{DATA.name}: {self.key} needs exactly one documented row, has {rows}")
        return rows[0]


def _source(raw: dict[str, str] | None) -> Source | None:
    return Source(**raw) if raw else None


def _target(key: str, raw: dict[str, Any], framework: str | None = None) -> Target:
    fields = {**raw, "output": tuple(raw.get("output", ())), "files": tuple(raw.get("files", ())),
              "documented": _source(raw.get("documented"))}
    if framework:
        fields.setdefault("items_api", f"compare.{framework}")
    return Target(key=key, framework=framework, **fields)


@functools.lru_cache(maxsize=8)
def _load(mtime: int) -> dict[str, Any]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    frameworks = {}
    for key, fw in raw["frameworks"].items():
        frameworks[key] = Framework(
            key=key,
            name=fw["name"],
            dist=fw["dist"],
            client=fw["client"],
            items_api=fw["items_api"],
            related=tuple(fw.get("related", ())),
            variants=tuple(_target(k, v, key) for k, v in (fw.get("variants") or {}).items()),
            features=fw.get("features", {}),
            lines=fw.get("lines", {}),
            documented=_source(fw.get("documented")),
        )
    return {
        "frameworks": frameworks,
        "references": {k: _target(k, v) for k, v in raw["references"].items()},
        "slow": {k: _target(k, v) for k, v in raw["slow"].items()},
    }


def _data() -> dict[str, Any]:
    return _load(DATA.stat().st_mtime_ns)


def frameworks() -> dict[str, Framework]:
    """Every framework, by key, in the order the site lists them."""
    return _data()["frameworks"]


def framework(key: str) -> Framework:
    """One framework by key; a KeyError names the known ones."""
    try:
        return frameworks()[key]
    except KeyError:
        raise KeyError(f"no framework {key!r} in {DATA.name}; known: {list(frameworks())}") from None


def framework_of(w: Walkthrough) -> Framework:
    """The framework a walkthrough runs: its page's, or the one whose Items API it is."""
    for fw in frameworks().values():
        if w.page == fw.key or w.id == fw.items_api:
            return fw
    raise LookupError(f"{w.id} belongs to no framework of {DATA.name}")


def line_for(fw: Framework, python: str) -> str | None:
    """The release line `pip install` gives a reader on `python`: the newest
    whose Requires-Python admits it."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    releases = fw.lines.get("releases", {})
    for line in sorted(releases, key=Version, reverse=True):
        if SpecifierSet(releases[line]["python"]).contains(python):
            return line
    return None


def variants() -> dict[str, Target]:
    """Every framework's extra benchmark rows, by key."""
    return {v.key: v for fw in frameworks().values() for v in fw.variants}


def references() -> dict[str, Target]:
    """The benchmark's reference points, by key."""
    return _data()["references"]


def slow_servers() -> dict[str, Target]:
    """The slow-request (and WebSocket) servers, by key."""
    return _data()["slow"]


def targets() -> dict[str, Target]:
    """Every benchmark target that is not a Compare page command, by key."""
    return {**variants(), **references(), **slow_servers()}


def label(key: str) -> str:
    """How the pages name a framework or a benchmark target."""
    if key in frameworks():
        return frameworks()[key].name
    return targets()[key].label if key in targets() else key


def benchmark_ports() -> set[int]:
    """The ports the benchmark serves on, besides the Compare page's own."""
    return {t.port for t in targets().values()}
