"""The verification record: what a test run checked, page by page.

A pytest plugin (`-p guide.record` in pyproject.toml's addopts) counts each
test's outcome under the page it belongs to and, when the run ends, writes
`.verification/last-run.json`: when it ran, on which Python, and how many
checks passed and failed for each page. The "Verified with" box on each
framework page (`guide.render.verified`) reads it back.
"""

from __future__ import annotations

import datetime
import json
import platform
from typing import Any

import pytest

from guide.paths import RECORDS
from guide.walkthroughs import walkthroughs

LAST_RUN = RECORDS / "last-run.json"


def page_of(nodeid: str) -> str | None:
    """The page a test belongs to: by file (`test_flask.py`) or by the
    walkthrough in its parameters (`test_as_reader[flask.items]`)."""
    pages = {w.page for w in walkthroughs()}
    stem = nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py").removeprefix("test_")
    if stem in pages:
        return stem
    if "[" in nodeid:
        first = nodeid.split("[", 1)[1].split(".")[0]
        return first if first in pages else None
    return None


def read() -> dict[str, Any]:
    """The last record written here, or an empty one."""
    return json.loads(LAST_RUN.read_text()) if LAST_RUN.exists() else {}


_OUTCOMES: dict[str, dict[str, int]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or report.failed:
        page = page_of(report.nodeid)
        if page:
            counts = _OUTCOMES.setdefault(page, {"passed": 0, "failed": 0})
            counts["passed" if report.passed else "failed"] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Record, per page, how its checks went. Pages this run did not touch
    keep their last record."""
    if hasattr(session.config, "workerinput") or not _OUTCOMES:
        return  # an xdist worker: the controller sees every report
    record = read() or {"pages": {}}
    record["pages"].update(_OUTCOMES)
    record["finished"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    record["python"] = platform.python_version()
    LAST_RUN.parent.mkdir(exist_ok=True)
    LAST_RUN.write_text(json.dumps(record, indent=2) + "\n")
