"""Does the guide still hold with the newest releases of everything?

On the oldest and the newest supported Python installed here (or the ones
given), builds an environment (`.venv-latest-3.X`) with the newest release of
every framework, server and tool (the lock is ignored, and so is every upper
bound in pyproject.toml but the deliberate hold-backs, which are reported with
their reasons), runs the whole verification there, and reports, per Python:
which versions differ from the lock (new major versions marked), what is held
back and why, and which pages' checks broke. Exit status 1 if anything broke.

First it reads the Feature matrix's release facts again (`guide/releases.yml`:
licences, latest releases, support windows) from PyPI's JSON API and their
other sources, and reports what changed; without network it says so and goes
on.

Usage: `make upgrade-check` (the weekly workflow runs it), or
`python scripts/upgrade_check.py --pythons 3.11 3.13`;
`python scripts/upgrade_check.py --releases` reads the release facts only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from guide import releases
from guide.lock import PYPROJECT, interpreter, pins, supported_pythons
from guide.paths import ROOT
from guide.record import page_of

UPPER = {"<", "<=", "==", "===", "~="}


def requirements() -> tuple[list[str], dict[str, str]]:
    """Every requirement of pyproject.toml, upper bounds dropped except the
    hold-backs; and the hold-backs, with the reason written above each."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    lines = PYPROJECT.read_text().splitlines()
    reasons = {}
    for i, line in enumerate(lines):
        if lines[i - 1].strip().startswith("# Held back") and (found := re.fullmatch(r'\s*"([^"]+)",?\s*', line)):
            reasons[canonicalize_name(Requirement(found[1]).name)] = lines[i - 1].strip().removeprefix("# ")
    wanted = []
    for raw in project["dependencies"] + project["optional-dependencies"]["dev"]:
        req = Requirement(raw)
        if canonicalize_name(req.name) not in reasons:
            kept = [str(s) for s in req.specifier if s.operator not in UPPER]
            extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
            raw = f"{req.name}{extras}{','.join(kept)}"
        wanted.append(raw)
    return wanted, reasons


def run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(args, cwd=ROOT, text=True, **kwargs)


def newest_available(python: Path, name: str) -> str:
    out = run(str(python), "-m", "pip", "index", "versions", name, capture_output=True)
    found = re.search(rf"^{re.escape(name)} \(([^)]+)\)", out.stdout, re.I | re.M)
    return found[1] if found else "unknown"


def check(version: str, interpreter: str) -> bool:
    """One Python: build, run, report; True if nothing broke."""
    venv = ROOT / f".venv-latest-{version}"
    python = venv / "bin" / "python"
    wanted, held = requirements()
    if not python.exists():
        run(interpreter, "-m", "venv", str(venv), check=True)
    run(str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip", check=True)
    run(str(python), "-m", "pip", "install", "--quiet", "--upgrade", *wanted, check=True)
    run(str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--editable", ".",
        check=True)
    listed = run(str(python), "-m", "pip", "list", "--format=json", capture_output=True, check=True)
    newest = {canonicalize_name(p["name"]): Version(p["version"]) for p in json.loads(listed.stdout)}
    locked = pins(version)
    report = ROOT / "test-artifacts" / f"upgrade-check-{version}.xml"
    report.parent.mkdir(exist_ok=True)
    jobs = str(2 * (os.cpu_count() or 1))
    with tempfile.TemporaryDirectory(prefix="upgrade-check-") as basetemp:
        run(str(python), "-m", "pytest", "-q", "-n", jobs, "-p", "no:randomly", "--basetemp", basetemp,
            f"--junitxml={report}")
    broken: dict[str, list[str]] = defaultdict(list)
    total = 0
    for case in ET.parse(report).iter("testcase"):
        total += 1
        if case.find("failure") is not None or case.find("error") is not None:
            nodeid = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
            broken[page_of(nodeid) or "site"].append(case.get("name", "?"))

    print(f"\n== Python {version}: versions that differ from requirements.lock")
    for name in sorted(set(newest) | set(locked)):
        old, new = locked.get(name), newest.get(name)
        if old != new:
            major = " NEW MAJOR" if old and new and new.major > old.major else ""
            print(f"  {name:<32} {str(old or '-'):>14} -> {new or '-'}{major}")
    print(f"== Python {version}: held back")
    for name, reason in held.items():
        print(f"  {name}: {newest.get(name)} installed, newest on the index {newest_available(python, name)}: {reason}")
    if not broken:
        print(f"== Python {version}: nothing broke: all {total} checks pass with the newest releases.")
        return True
    print(f"== Python {version}: broke with the newest releases ({sum(map(len, broken.values()))} of {total} checks):")
    for page, tests in sorted(broken.items()):
        where = f"docs/{page}.md" if page != "site" else "the site and the engine"
        print(f"  {where}: " + ", ".join(sorted(tests)))
    return False


def refresh_releases() -> None:
    """Read the release facts again and say what changed; the file is left
    as it was if a source cannot be read."""
    try:
        changes = releases.refresh()
    except (OSError, ValueError, LookupError) as error:  # no network: URLError is an OSError
        print(f"Release facts not read again ({error}); {releases.DATA.relative_to(ROOT)} is unchanged.")
        return
    print(f"Release facts ({releases.DATA.relative_to(ROOT)}):")
    for line in changes or ["unchanged"]:
        print(f"  {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pythons", nargs="*", help="versions to check (default: oldest and newest installed)")
    parser.add_argument("--releases", action="store_true", help="only read the release facts again")
    args = parser.parse_args()
    refresh_releases()
    if args.releases:
        return 0
    present = [v for v in supported_pythons() if interpreter(v)]
    chosen = args.pythons or sorted({present[0], present[-1]}, key=Version)
    results = [check(v, interpreter(v) or sys.exit(f"Python {v} is not installed here")) for v in chosen]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
