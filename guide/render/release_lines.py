"""Which release line of a framework a reader gets, and where the lines differ:

```text
{{ release_lines("django") }}
```

`pip install Django` gives a reader the newest Django their Python runs, so
readers on different Pythons follow the same page on different lines. The box
says which line each supported Python gets, how long each is supported, and
what the page's walkthrough does differently on each, all from the registry
(`guide/frameworks.yml`, the framework's `lines`), never typed. Only Django
has more than one line that readers get today, so the rows are the ones its
page's walkthrough needs: what `runserver` prints, what `startproject` and
`startapp` write, the default primary key, the deployment checklist.
"""

from __future__ import annotations

import json
from typing import Any

from packaging.version import Version

from guide import registry
from guide.lock import supported_pythons


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _assignments(values: dict[str, Any]) -> str:
    return "; ".join(f"no `{n}`" if v is None else f"`{n} = {json.dumps(v)}`" for n, v in values.items())


def checklist(line: str) -> str:
    """Django's deployment checklist for a release line."""
    return f"https://docs.djangoproject.com/en/{line}/howto/deployment/checklist/"


def table(key: str) -> str:
    """The admonition for one framework's lines."""
    fw = registry.framework(key)
    if not fw.lines:
        raise ValueError(f'{{{{ release_lines("{key}") }}}}: guide/frameworks.yml gives {key} no release lines')
    releases = fw.lines["releases"]
    newest_first = sorted(releases, key=Version, reverse=True)
    gets = {line: [p for p in supported_pythons() if registry.line_for(fw, p) == line] for line in newest_first}
    names = {line: f"{fw.name} {line}" + (" (LTS)" if releases[line]["lts"] else "") for line in newest_first}
    rows = {
        f"`pip install {fw.name}` gives it on": {r: "Python " + _and(gets[r]) if gets[r] else "no supported Python"
                                                 for r in newest_first},
        "Runs on": {r: f"Python {releases[r]['python'].removeprefix('>=')} and later" for r in newest_first},
        "Bug fixes until": {r: releases[r]["bug_fixes_until"] for r in newest_first},
        "Security fixes until": {r: releases[r]["security_fixes_until"] for r in newest_first},
        "`runserver` announces its address with": {r: f"`{releases[r]['runserver']}`" for r in newest_first},
        "`startproject` writes into `settings.py`": {r: _assignments(releases[r]["settings"]) for r in newest_first},
        "`startapp` writes into `posts/apps.py`": {r: _assignments(releases[r]["app_config"]) for r in newest_first},
        "Default primary key type": {r: f"`{releases[r]['default_auto_field'].rpartition('.')[2]}`"
                                     for r in newest_first},
        "Deployment checklist": {r: f"[{r}]({checklist(r)})" for r in newest_first},
    }
    lines = ["| | " + " | ".join(names[r] for r in newest_first) + " |", "|---" * (len(newest_first) + 1) + "|"]
    lines += ["| " + label + " | " + " | ".join(cells[r] for r in newest_first) + " |" for label, cells in rows.items()]
    lts = [r for r in newest_first if releases[r]["lts"]]
    body = [
        f"`pip install {fw.name}` installs the newest {fw.name} your Python runs, and this page is",
        f"verified with each: {_and([names[r] for r in newest_first])}.",
        *(f"The long-term-support release is {r}: it gets security fixes until "
          f"{releases[r]['security_fixes_until']}." for r in lts),
        "Where they differ for you:",
        "",
        *lines,
        "",
        f"Support dates from [{fw.name}'s supported versions]({fw.lines['source']}), checked on "
        f"{fw.lines['checked']}.",
    ]
    return f'!!! info "Which {fw.name} you get"\n\n' + "\n".join(f"    {line}" if line else "" for line in body)
