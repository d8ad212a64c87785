"""The feature matrix on `docs/features.md`, generated at build time.

As an MkDocs hook (`hooks:` in `mkdocs.yml`) it replaces the marker line
`{{ features() }}` on that page with a table. The typed cells (yes or no, and
how) come from `docs/features.yml`, each with a link to where the guide shows
it; every measurable cell is computed here, never typed:

- the version of each framework, from its installed metadata;
- the number of distributions it installs: the transitive closure of its
  requirements in installed metadata, markers evaluated, no extras, not
  counting itself;
- the development and production commands of its Items API, from the `dev`
  and `prod` steps of `snippets/compare/walkthroughs.yml`;
- the lines of that Items API: non-blank lines of `snippets/compare/<fw>/app.py`.

`tests/test_features.py` checks every cell against the installed frameworks.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path
from typing import Any

import harness
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

DATA = harness.DOCS / "features.yml"
PAGE = "features.md"
MARKER = re.compile(r"^\{\{ features\(\) \}\}[ \t]*$", re.MULTILINE)

COLUMNS = {
    "routing": "Routing",
    "templates": "Templates built in",
    "orm_admin": "ORM and admin",
    "async": "Async views",
    "websocket": "WebSocket",
    "validation": "Request validation",
    "openapi": "OpenAPI docs",
}
"""The typed columns, in order, and their headings."""


def frameworks() -> dict[str, dict[str, Any]]:
    """The typed cells of `docs/features.yml`, by framework."""
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def requirements(dist: str) -> list[str]:
    """The installed distributions `dist` requires, sorted, not counting itself:
    the transitive closure of `Requires-Dist`, with markers evaluated for this
    Python and no extras."""
    own = canonicalize_name(dist)
    seen: dict[str, str] = {}
    todo = [dist]
    while todo:
        for line in metadata.distribution(todo.pop()).requires or []:
            req = Requirement(line)
            if req.marker and not req.marker.evaluate({"extra": ""}):
                continue
            key = canonicalize_name(req.name)
            if key == own or key in seen:
                continue
            try:
                seen[key] = metadata.distribution(req.name).metadata["Name"]
            except metadata.PackageNotFoundError:
                raise LookupError(
                    f"{PAGE}: {dist} requires {req.name}, which is not installed, so its "
                    "dependencies cannot be counted"
                ) from None
            todo.append(req.name)
    return sorted(seen.values(), key=str.lower)


def items_api(fw: str) -> Path:
    """The Items API of a framework, as `docs/compare.md` shows it."""
    return harness.SNIPPETS / "compare" / fw / "app.py"


def lines(fw: str) -> int:
    """Non-blank lines of the framework's Items API; a missing file is an error."""
    path = items_api(fw)
    if not path.is_file():
        raise FileNotFoundError(
            f"{PAGE}: the Items API line count of {fw} needs "
            f"{path.relative_to(harness.ROOT)}, which does not exist"
        )
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def servers(fw: str) -> tuple[str, str]:
    """The development and production commands of the framework's Items API."""
    try:
        w = harness.walkthrough(f"compare.{fw}")
        dev, prod = w.step("dev").serve, w.step("prod").serve
    except KeyError as error:
        raise LookupError(
            f"{PAGE}: the server columns of {fw} need the `dev` and `prod` steps of "
            f"snippets/compare/walkthroughs.yml: {error}"
        ) from None
    assert dev and prod
    return dev.line, prod.line


def _cell(cell: dict[str, Any]) -> str:
    return f"[{cell['text']}]({cell['link']})"


HEADINGS = ["Framework", *COLUMNS.values(), "Development server", "Production server",
            "Dependencies", "Items API lines"]


def row(fw: str) -> list[str]:
    """The cells of one framework's row, as Markdown."""
    data = frameworks()[fw]
    dist = metadata.distribution(data["dist"])
    dev, prod = servers(fw)
    return [
        f"[{data['name']}]({fw}.md) {dist.version}",
        *(_cell(data[column]) for column in COLUMNS),
        f"[`{dev}`](compare.md)",
        f"[`{prod}`](compare.md)",
        f"[{len(requirements(data['dist']))}](#dependencies-counted)",
        f"[{lines(fw)}](compare.md)",
    ]


def render() -> str:
    """The Markdown table, then the list of dependencies that were counted."""
    table = ["| " + " | ".join(HEADINGS) + " |", "|" + "---|" * len(HEADINGS)]
    counted = []
    for fw, data in frameworks().items():
        table.append("| " + " | ".join(row(fw)) + " |")
        dist = metadata.distribution(data["dist"])
        deps = ", ".join(requirements(data["dist"])) or "none"
        counted.append(f"- **{data['name']} {dist.version}**: {deps}")
    return "\n".join(table) + "\n\n## Dependencies counted\n\n" + "\n".join(counted)


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """MkDocs hook: render the `{{ features() }}` marker of the matrix page."""
    if page.file.src_path != PAGE:
        return markdown
    if not MARKER.search(markdown):
        raise ValueError(f"{PAGE} has no {{{{ features() }}}} marker line")
    return MARKER.sub(lambda _: render(), markdown)
