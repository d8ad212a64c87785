"""Release facts about each framework that its installed metadata does not
hold: the licence its project declares, its latest release and the one
before, and the support window of its long-term-support line where the
project publishes one. Each fact names its `source` and the day it was read
(`checked`).

They live in `guide/releases.yml`, beside the hand-written registry
(`guide/frameworks.yml`) because a program writes them: `refresh()`, run by
the weekly upgrade check (`scripts/upgrade_check.py`, which has network) or
by hand (`python -m guide.releases`). The site build and the tests only read
the file, offline; `tests/test_features.py` checks it against the installed
metadata wherever that can say something.
"""

from __future__ import annotations

import datetime
import json
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

DATA = Path(__file__).with_name("releases.yml")
PYPI = "https://pypi.org/pypi/{dist}/json"
"""PyPI's JSON API: every release of a project with its files' upload times."""
HEADER = """\
# Release facts the installed metadata does not hold, per framework of
# guide/frameworks.yml: licence, latest release and the one before, and the
# support window of the installed series where the project publishes one.
# Each fact names its source and the day it was read (checked).
#
# Written by guide/releases.py (refresh), which the weekly upgrade check runs
# with network (scripts/upgrade_check.py); read offline by the Feature matrix
# page and tests/test_features.py. Edit by hand only what no source gives
# (a licence PyPI does not state), and say where it came from.
"""


class _Plain(yaml.SafeDumper):
    """Writes a date shared by several facts out each time, not as an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def load() -> dict[str, dict[str, Any]]:
    """Every framework's release facts, by registry key."""
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def final_releases(payload: dict[str, Any]) -> list[tuple[Version, datetime.date]]:
    """The final releases in a PyPI JSON payload, newest first, with the day
    their first file was uploaded: no pre-releases, no release whose files
    were all yanked, no version PEP 440 cannot read."""
    found = []
    for text, files in payload["releases"].items():
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if version.is_prerelease or version.is_devrelease or not files or all(f.get("yanked") for f in files):
            continue
        uploaded = min(f["upload_time_iso_8601"] for f in files)
        found.append((version, datetime.date.fromisoformat(uploaded[:10])))
    return sorted(found, reverse=True)


def licence_of(info: dict[str, Any]) -> str | None:
    """The licence a PyPI payload's `info` states as an SPDX expression, or
    None: `license_expression`, else a one-word `license` field."""
    if info.get("license_expression"):
        return str(info["license_expression"])
    text = (info.get("license") or "").strip()
    return text if text and " " not in text and "\n" not in text else None


def from_pypi(payload: dict[str, Any]) -> dict[str, Any]:
    """The facts one PyPI JSON payload gives: licence (or None), latest and
    previous final release."""
    releases = final_releases(payload)
    if len(releases) < 2:
        raise ValueError(f"{payload['info']['name']}: fewer than two final releases on PyPI")
    (latest, on), (previous, before) = releases[:2]
    return {
        "licence": licence_of(payload["info"]),
        "latest": {"version": str(latest), "date": on},
        "previous": {"version": str(previous), "date": before},
    }


def support_from_endoflife(payload: dict[str, Any], series: str) -> dict[str, Any]:
    """One release series' window from endoflife.date's v1 product API
    (which links the project's own policy): LTS or not, the end of its
    mainstream support and of its security fixes."""
    for release in payload["result"]["releases"]:
        if release["name"] == series:
            return {
                "series": series,
                "lts": bool(release["isLts"]),
                "mainstream_until": datetime.date.fromisoformat(release["eoasFrom"]),
                "security_until": datetime.date.fromisoformat(release["eolFrom"]),
            }
    raise LookupError(f"no series {series} at {payload['result']['name']}")


def series(version: str) -> str:
    """The release series of a version: `5.2` of `5.2.19`."""
    return ".".join(str(part) for part in Version(version).release[:2])


def fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - fixed https addresses
        return json.load(answer)


def describe(facts: dict[str, Any]) -> dict[str, str]:
    """One line per fact recorded, to say what a refresh changed."""
    lines = {}
    if "licence" in facts:
        lines["licence"] = str(facts["licence"]["value"])
    for which, release in facts.get("releases", {}).items():
        if which in ("latest", "previous"):
            lines[which] = f"{release['version']} ({release['date']})"
    if "support" in facts:
        s = facts["support"]
        lines["support"] = f"{s['series']}{' LTS' if s['lts'] else ''}: security fixes until {s['security_until']}"
    return lines


def refresh(fetch: Callable[[str], dict[str, Any]] = fetch_json,
            today: datetime.date | None = None) -> list[str]:
    """Read every fact again from its source, write `guide/releases.yml`, and
    say what changed. Needs the network; a licence the source does not state
    is kept as recorded, and said so."""
    from guide import registry

    today = today or datetime.date.today()
    old = load() if DATA.exists() else {}
    new: dict[str, dict[str, Any]] = {}
    changes: list[str] = []
    for key, fw in registry.frameworks().items():
        before = old.get(key, {})
        url = PYPI.format(dist=fw.dist)
        facts = from_pypi(fetch(url))
        entry: dict[str, Any] = {}
        if facts["licence"]:
            entry["licence"] = {"value": facts["licence"], "source": url, "checked": today}
        elif "licence" in before:
            entry["licence"] = before["licence"]
            changes.append(f"{fw.name}: PyPI states no licence; kept {before['licence']['value']} "
                           f"from {before['licence']['source']}")
        else:
            raise LookupError(f"{fw.name}: PyPI states no licence; record one by hand with its source")
        entry["releases"] = {"latest": facts["latest"], "previous": facts["previous"], "source": url,
                             "checked": today}
        if "support" in before:
            window = dict(before["support"])
            try:
                window.update(support_from_endoflife(fetch(window["via"]), window["series"]))
                window["checked"] = today
            except (OSError, LookupError, KeyError, ValueError) as error:
                changes.append(f"{fw.name}: support window not refreshed from {window['via']}: {error}")
            entry["support"] = window
        new[key] = entry
        was, now = describe(before), describe(entry)
        changes += [f"{fw.name} {what}: {was.get(what, '-')} -> {now[what]}" for what in now if was.get(what) != now[what]]
    text = yaml.dump(new, Dumper=_Plain, sort_keys=False, allow_unicode=True)
    DATA.write_text(HEADER + "\n" + text, encoding="utf-8")
    return changes


if __name__ == "__main__":
    for line in refresh() or ["Release facts unchanged."]:
        print(line)
    sys.exit(0)
