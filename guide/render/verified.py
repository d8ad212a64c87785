"""The "Verified with" box under a framework page's title ("Not verified in
this build" where no verification run is recorded):

```text
{{ verified("flask") }}
```

It names the versions of what the page's `pip install` lines install, as
installed where the site is built, and the outcome of the last verification
run recorded there (`guide.record`).
"""

from __future__ import annotations

import platform
import shlex
from importlib.metadata import PackageNotFoundError, metadata

from packaging.requirements import Requirement

from guide import record
from guide.walkthroughs import walkthroughs


def installed_versions(page: str) -> list[tuple[str, str]]:
    """`(distribution, version)` for what the page's `pip install` commands
    name, as installed in the environment that builds the site."""
    found: dict[str, str] = {}
    for w in walkthroughs(page):
        for step in w.steps:
            for command in step.commands:
                words = shlex.split(command.line)
                if words[1:4] != ["-m", "pip", "install"]:
                    continue
                for word in words[4:]:
                    name = Requirement(word).name
                    try:
                        meta = metadata(name)
                        found.setdefault(meta["Name"], meta["Version"])
                    except PackageNotFoundError:
                        found.setdefault(name, "(not installed)")
    return list(found.items())


def box(page: str) -> str:
    """The admonition: versions, Python, and the last run's outcome for this page."""
    versions = installed_versions(page)
    if not versions:
        raise ValueError(f'{{{{ verified("{page}") }}}}: the page installs nothing to name')
    names = ", ".join(f"{name} {v}" for name, v in versions)
    last = record.read()
    result = last.get("pages", {}).get(page)
    if result:
        outcome = (
            f"all {result['passed']} checks for this page passed"
            if not result["failed"]
            else f"{result['failed']} of {result['passed'] + result['failed']} checks FAILED"
        )
        when = f"Last verification run: {last['finished'][:10]} on Python {last['python']}, {outcome}."
    else:
        when = "No verification run has been recorded where this copy of the site was built."
    kind = "success" if result and not result["failed"] else "warning"
    built_with = f"{names} on Python {platform.python_version()}"
    # With no run recorded, the box must not claim what no run showed.
    title = f"Verified with {built_with}" if result else "Not verified in this build"
    versions = "" if result else f"Built with {built_with}. "
    return (
        f'!!! {kind} "{title}"\n\n'
        f"    {versions}{when} [How the examples are checked](verification.md).\n"
    )
