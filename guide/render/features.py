"""The feature matrix of `docs/features.md`, and its releases table:

```text
{{ features() }}
{{ features("releases") }}
```

The typed cells (yes or no, and how) come from the registry
(`guide/frameworks.yml`, each framework's `features`), each with a link to
where the guide shows it; every measurable cell is computed here, never typed:

- the version of each framework, from its installed metadata;
- the number of distributions it installs: the transitive closure of its
  requirements in installed metadata, markers evaluated, no extras, not
  counting itself;
- the development and production commands of its Items API, from the `dev`
  and `prod` steps of its Compare walkthrough;
- the lines of that Items API: non-blank lines of its `app.py`;
- the Python versions it declares: its installed metadata's
  `Programming Language :: Python :: 3.x` classifiers and `Requires-Python`.

The releases table also shows what installed metadata does not hold: the
licence, the latest release and the one before, Django's support window,
from `guide/releases.yml` (written by `guide.releases.refresh`, with the
source and the day of each fact).

`tests/test_features.py` checks every cell against the installed frameworks.
"""

from __future__ import annotations

import datetime
import re
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from guide import registry, releases
from guide.paths import ROOT

PAGE = "features.md"

COLUMNS = {
    "routing": "Routing",
    "templates": "Templates built in",
    "orm_admin": "ORM and admin",
    "async": "Async views",
    "websocket": "WebSocket",
    "validation": "Request validation",
    "openapi": "OpenAPI docs",
    "testing": "Test client",
}
"""The typed columns, in order, and their headings."""

HEADINGS = ["Framework", *COLUMNS.values(), "Development server", "Production server",
            "Dependencies", "Items API lines"]


def closure(*wanted: str) -> list[str]:
    """The installed distributions that installing `wanted` brings, those
    named included, sorted: requirement strings such as `"flask"` or
    `"flask[async]"`, followed through `Requires-Dist` with markers evaluated
    for this Python and the extras each requirement names (none by default)."""
    names: dict[str, str] = {}
    done: set[tuple[str, str]] = set()
    todo = [(Requirement(w), None) for w in wanted]
    while todo:
        req, by = todo.pop()
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            raise LookupError(
                f"{PAGE}: {by or 'the page'} requires {req.name}, which is not installed, so its "
                "dependencies cannot be counted"
            ) from None
        key = canonicalize_name(req.name)
        names[key] = dist.metadata["Name"]
        for extra in ("", *sorted(req.extras)):
            if (key, extra) in done:
                continue
            done.add((key, extra))
            for line in dist.requires or []:
                dep = Requirement(line)
                wanted_here = dep.marker.evaluate({"extra": extra}) if dep.marker else not extra
                if wanted_here:
                    todo.append((dep, req.name))
    return sorted(names.values(), key=str.lower)


def requirements(dist: str) -> list[str]:
    """The installed distributions `dist` requires, sorted, not counting itself:
    the transitive closure of `Requires-Dist`, with markers evaluated for this
    Python and no extras."""
    own = canonicalize_name(dist)
    return [name for name in closure(dist) if canonicalize_name(name) != own]


def items_api(key: str) -> Path:
    """The Items API file of a framework, as `docs/compare.md` shows it."""
    return registry.framework(key).items_walkthrough().source / "app.py"


def lines(key: str) -> int:
    """Non-blank lines of the framework's Items API; a missing file is an error."""
    path = items_api(key)
    if not path.is_file():
        raise FileNotFoundError(
            f"{PAGE}: the Items API line count of {key} needs "
            f"{path.relative_to(ROOT)}, which does not exist"
        )
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def servers(key: str) -> tuple[str, str]:
    """The development and production commands of the framework's Items API."""
    fw = registry.framework(key)
    try:
        w = fw.items_walkthrough()
        dev, prod = w.step("dev").serve, w.step("prod").serve
    except KeyError as error:
        raise LookupError(
            f"{PAGE}: the server columns of {key} need the `dev` and `prod` steps of "
            f"{fw.items_api}: {error}"
        ) from None
    assert dev and prod
    return dev.line, prod.line


def row(key: str) -> list[str]:
    """The cells of one framework's row, as Markdown."""
    fw = registry.framework(key)
    dev, prod = servers(key)
    return [
        f"[{fw.name}]({fw.page}) {metadata.version(fw.dist)}",
        *(f"[{fw.features[c]['text']}]({fw.features[c]['link']})" for c in COLUMNS),
        f"[`{dev}`](compare.md)",
        f"[`{prod}`](compare.md)",
        f"[{len(requirements(fw.dist))}](#dependencies-counted)",
        f"[{lines(key)}](compare.md)",
    ]


def table(which: str = "features") -> str:
    """The Markdown table, then the list of dependencies that were counted;
    or, for `"releases"`, the releases table."""
    if which == "releases":
        return release_table()
    if which != "features":
        raise ValueError(f'{PAGE}: no table {which!r}; known: features(), features("releases")')
    out = ["| " + " | ".join(HEADINGS) + " |", "|" + "---|" * len(HEADINGS)]
    counted = []
    for key, fw in registry.frameworks().items():
        out.append("| " + " | ".join(row(key)) + " |")
        deps = ", ".join(requirements(fw.dist)) or "none"
        counted.append(f"- **{fw.name} {metadata.version(fw.dist)}**: {deps}")
    return "\n".join(out) + "\n\n## Dependencies counted\n\n" + "\n".join(counted)


RELEASE_HEADINGS = ["Framework", "Licence", "Python", "Latest release", "The one before", "Support window"]


def pythons(dist: str) -> str:
    """The Python versions a distribution's installed metadata declares: the
    range of its `Python :: 3.x` classifiers, and its `Requires-Python`."""
    meta = metadata.metadata(dist)
    found = sorted(
        (Version(m[1]) for c in meta.get_all("Classifier") or []
         if (m := re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", c))),
    )
    listed = f"{found[0]} to {found[-1]}" if found else "no versions listed"
    needs = meta.get("Requires-Python")
    return f"{listed}; `{SpecifierSet(needs)}`" if needs else listed


def day(date: datetime.date) -> str:
    """A date as the page writes it: 3 Nov 2026."""
    return f"{date.day} {date:%b %Y}"


def span(days: int) -> str:
    """A time between two releases, in the unit a reader would use."""
    if days == 0:
        return "the same day"
    if days < 14:
        return f"{days} day{'s' * (days != 1)}"
    if days < 61:
        return f"{round(days / 7)} weeks"
    months = round(days / 30.44)
    if months < 24:
        return f"{months} months"
    years, rest = divmod(months, 12)
    return f"{years} years" + (f" {rest} month{'s' * (rest != 1)}" if rest else "")


def link(text: str, source: str) -> str:
    """`text` linked to where it was read, when that is an address: a
    project's PyPI page rather than the JSON the refresh reads from it."""
    if m := re.fullmatch(r"https://pypi\.org/pypi/([^/]+)/json", source):
        source = f"https://pypi.org/project/{m[1]}/"
    return f"[{text}]({source})" if source.startswith("https://") else text


def support(facts: dict[str, Any]) -> str:
    if "support" not in facts:
        return "no dates published"
    s = facts["support"]
    kind = " LTS" if s["lts"] else ""
    return link(f"{s['series']}{kind}: security fixes until {day(s['security_until'])}", s["source"])


def release_row(key: str) -> list[str]:
    """The cells of one framework's row of the releases table, as Markdown."""
    fw = registry.framework(key)
    facts = releases.load()[key]
    latest, previous = facts["releases"]["latest"], facts["releases"]["previous"]
    pypi = f"https://pypi.org/project/{fw.dist}"
    return [
        f"[{fw.name}]({fw.page})",
        link(f"`{facts['licence']['value']}`", facts["licence"]["source"]),
        pythons(fw.dist),
        f"[{latest['version']}]({pypi}/{latest['version']}/), {day(latest['date'])}",
        f"{previous['version']}, {span((latest['date'] - previous['date']).days)} earlier"
        if latest["date"] != previous["date"] else f"{previous['version']}, the same day",
        support(facts),
    ]


def release_table() -> str:
    """The releases table, then the day each kind of fact was last read."""
    out = ["| " + " | ".join(RELEASE_HEADINGS) + " |", "|" + "---|" * len(RELEASE_HEADINGS)]
    data = releases.load()
    for key in registry.frameworks():
        out.append("| " + " | ".join(release_row(key)) + " |")
    read = {f["releases"]["checked"] for f in data.values()}
    windows = {f["support"]["checked"] for f in data.values() if "support" in f}
    note = f"Release history read from PyPI on {', '.join(day(d) for d in sorted(read))}"
    if windows:
        note += f"; support windows read on {', '.join(day(d) for d in sorted(windows))}"
    return "\n".join(out) + "\n\n" + note + "."
