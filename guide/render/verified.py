"""The "Verified" box under a framework page's title:

```text
{{ verified("flask") }}
```

It says what the verification records where the site is built
(`guide.record`) show for this page: for each Python a run was recorded on,
the versions of what the page's `pip install` lines install, as that run had
them installed, and how the page's checks went. Runs with the same versions
are named together, those on the newest Python first ("Django 6.1.3 on
Python 3.12 and 3.13; Django 5.2.19 on Python 3.11"). Where no run is recorded, the box says so and names no version:
it never claims what no record shows.
"""

from __future__ import annotations

import shlex
from typing import Any

from packaging.requirements import Requirement

from guide import record
from guide.walkthroughs import walkthroughs


def installed_by(page: str) -> list[str]:
    """The distributions the page's `pip install` lines name, in order."""
    names: list[str] = []
    for w in walkthroughs(page):
        for step in w.steps:
            for command in step.commands:
                words = shlex.split(command.line)
                if words[1:4] == ["-m", "pip", "install"]:
                    names += [Requirement(word).name for word in words[4:] if not word.startswith("-")]
    return list(dict.fromkeys(names))


def _versions(run: dict[str, Any], names: list[str]) -> str:
    return ", ".join(f"{n} {run['versions'].get(n.lower(), '(not installed)')}" for n in names)


def _pythons(runs: list[dict[str, Any]]) -> str:
    minors = [".".join(r["python"].split(".")[:2]) for r in runs]
    return minors[0] if len(minors) == 1 else ", ".join(minors[:-1]) + " and " + minors[-1]


def _outcome(result: dict[str, int]) -> str:
    total = result["passed"] + result["failed"]
    return f"all {total} passed" if not result["failed"] else f"{result['failed']} of {total} FAILED"


def box(page: str) -> str:
    """The admonition for one framework page."""
    names = installed_by(page)
    if not names:
        raise ValueError(f'{{{{ verified("{page}") }}}}: the page installs nothing to name')
    runs = [r for r in record.records() if page in r.get("pages", {})]
    link = "[How the examples are checked](verification.md)."
    if not runs:
        return (
            '!!! warning "Not verified in this build"\n\n'
            "    No verification run was recorded where this copy of the site was built, so this "
            f"box names no version. {link}\n"
        )
    groups: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault(_versions(run, names), []).append(run)
    newest_first = sorted(groups.items(), key=lambda item: -runs.index(item[1][-1]))
    title = "; ".join(f"{versions} on Python {_pythons(group)}" for versions, group in newest_first)
    failed = any(r["pages"][page]["failed"] for r in runs)
    rows = "\n".join(
        f"    | {r['python']} | {_versions(r, names)} | {_outcome(r['pages'][page])} | "
        f"{r['pages'][page]['finished'][:10]} |"
        for r in runs
    )
    return (
        f'!!! {"failure" if failed else "success"} "Verified: {title}"\n\n'
        "    | Python | Installed | This page's checks | Run on |\n"
        "    |---|---|---|---|\n"
        f"{rows}\n\n"
        f"    {link}\n"
    )
