"""The verification record: what a test run checked, page by page, on which
Python, with which versions installed.

A pytest plugin (`-p guide.record` in pyproject.toml's addopts) counts each
test's outcome under the page it belongs to and, when the run ends, writes
`.verification/python-<version>.json`: the Python, the version of every
installed distribution, and for each page how many checks passed and failed,
and when. One file per interpreter: `make test-pythons` leaves one for each,
and in CI every leg of the matrix uploads its own and the publishing job
puts them side by side. The "Verified" box on each framework page
(`guide.render.verified`) reads them all.
"""

from __future__ import annotations

import datetime
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from guide import paths
from guide.walkthroughs import walkthroughs


def page_of(nodeid: str) -> str | None:
    """The page a test belongs to: by file (`test_flask.py`) or by the
    walkthrough in its parameters (`test_as_reader[flask.items.serve]`)."""
    pages = {w.page for w in walkthroughs()}
    stem = nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py").removeprefix("test_")
    if stem in pages:
        return stem
    if "[" in nodeid:
        first = nodeid.split("[", 1)[1].split(".")[0].removeprefix("install:")
        return first if first in pages else None
    return None


def installed() -> dict[str, str]:
    """Every installed distribution and its version, by canonical-ish name."""
    return {d.metadata["Name"].lower(): d.version for d in metadata.distributions() if d.metadata["Name"]}


def path_for(python: str) -> Path:
    return paths.RECORDS / f"python-{python}.json"


def records() -> list[dict[str, Any]]:
    """Every record where the site is built, oldest Python first."""
    found = [json.loads(p.read_text()) for p in sorted(paths.RECORDS.glob("python-*.json"))]
    return sorted(found, key=lambda r: tuple(int(x) for x in r["python"].split(".")))


_OUTCOMES: dict[str, dict[str, int]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or report.failed:
        page = page_of(report.nodeid)
        if page:
            counts = _OUTCOMES.setdefault(page, {"passed": 0, "failed": 0})
            counts["passed" if report.passed else "failed"] += 1


def write(outcomes: dict[str, dict[str, int]], python: str | None = None) -> Path:
    """Record this run's outcomes. Pages it did not touch keep what the last
    run on this Python recorded, as long as the installed versions are the
    same; with other versions installed, only this run's pages are kept."""
    python = python or platform.python_version()
    path = path_for(python)
    versions = installed()
    finished = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    previous = json.loads(path.read_text()) if path.exists() else {}
    pages = previous.get("pages", {}) if previous.get("versions") == versions else {}
    pages.update({page: {**counts, "finished": finished} for page, counts in outcomes.items()})
    record = {"python": python, "finished": finished, "versions": versions, "pages": pages}
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return path


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput") or not _OUTCOMES:
        return  # an xdist worker: the controller sees every report
    write(_OUTCOMES)
