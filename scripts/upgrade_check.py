"""Does the guide still hold with the newest releases of everything?

First reads the Feature matrix's release facts again (`guide/releases.yml`:
licences, latest releases, Django's support window) from PyPI's JSON API and
their other sources, and reports what changed; without network it says so and
goes on. Then builds a separate environment (`.venv-latest`) with the newest
release that `pyproject.toml` allows of every framework, server and tool (the
lock file is ignored), runs the whole verification there, and reports which
pages' checks broke and which versions changed. Exit status 1 if anything broke.

Usage: `make upgrade-check` (the weekly workflow runs the same target);
`python scripts/upgrade_check.py --releases` reads the release facts only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from guide import releases
from guide.paths import ROOT
from guide.record import page_of  # the same page mapping the verification record uses

VENV = ROOT / ".venv-latest"


def run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, text=True, **kwargs)


def versions(python: Path) -> dict[str, str]:
    out = run(str(python), "-m", "pip", "list", "--format=json", capture_output=True, check=True)
    return {p["name"].lower(): p["version"] for p in json.loads(out.stdout)}


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
    refresh_releases()
    if "--releases" in sys.argv[1:]:
        return 0
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    python = VENV / "bin" / "python"
    if not python.exists():
        run(sys.executable, "-m", "venv", str(VENV), check=True)
    run(str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip", check=True)
    run(str(python), "-m", "pip", "install", "--quiet", "--upgrade", *requirements, check=True)
    run(str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--editable", ".",
        check=True)

    locked = versions(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else {}
    newest = versions(python)
    changed = {n: (locked.get(n, "-"), v) for n, v in newest.items() if locked.get(n) != v}

    report = ROOT / "test-artifacts" / "upgrade-check.xml"
    report.parent.mkdir(exist_ok=True)
    jobs = str(2 * (os.cpu_count() or 1))
    run(str(python), "-m", "pytest", "-q", "-n", jobs, "-p", "no:randomly", f"--junitxml={report}")

    broken: dict[str, list[str]] = defaultdict(list)
    total = 0
    for case in ET.parse(report).iter("testcase"):
        total += 1
        if case.find("failure") is not None or case.find("error") is not None:
            nodeid = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
            broken[page_of(nodeid) or "site"].append(case.get("name", "?"))

    print("\nVersions that differ from requirements.lock:")
    for name, (old, new) in sorted(changed.items()):
        print(f"  {name:<28} {old:>12} -> {new}")
    if not broken:
        print(f"\nNothing broke: all {total} checks pass with the newest releases.")
        return 0
    print(f"\nBroke with the newest releases ({sum(map(len, broken.values()))} of {total} checks):")
    for page, tests in sorted(broken.items()):
        where = f"docs/{page}.md" if page != "site" else "the site and harness"
        print(f"  {where}: " + ", ".join(sorted(tests)))
    return 1


if __name__ == "__main__":
    sys.exit(main())
