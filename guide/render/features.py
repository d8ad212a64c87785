"""The feature matrix of `docs/features.md`:

```text
{{ features() }}
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
- the lines of that Items API: non-blank lines of its `app.py`.

`tests/test_features.py` checks every cell against the installed frameworks.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from guide import registry
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


def table() -> str:
    """The Markdown table, then the list of dependencies that were counted."""
    out = ["| " + " | ".join(HEADINGS) + " |", "|" + "---|" * len(HEADINGS)]
    counted = []
    for key, fw in registry.frameworks().items():
        out.append("| " + " | ".join(row(key)) + " |")
        deps = ", ".join(requirements(fw.dist)) or "none"
        counted.append(f"- **{fw.name} {metadata.version(fw.dist)}**: {deps}")
    return "\n".join(out) + "\n\n## Dependencies counted\n\n" + "\n".join(counted)
