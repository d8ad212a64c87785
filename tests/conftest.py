"""Fixtures shared by every test: a reader in a temporary folder, and the
guarantee that no server outlives the run."""

from __future__ import annotations

import atexit
import fcntl
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import harness

atexit.register(harness.kill_all)


def _terminate(signum: int, frame: object) -> None:
    harness.kill_all()
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, _terminate)
signal.signal(signal.SIGHUP, _terminate)
# A run started in the background (`make test &`) inherits SIGINT as ignored,
# and so would every server it starts: they could not be stopped with Ctrl-C.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


_OUTCOMES: dict[str, dict[str, int]] = {}


def _page_of(nodeid: str) -> str | None:
    """The framework page a test belongs to: by file (test_flask.py) or by
    parameter (test_as_reader[flask.items])."""
    frameworks = {w.framework for w in harness.walkthroughs()}
    stem = nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py").removeprefix("test_")
    if stem in frameworks:
        return stem
    if "[" in nodeid:
        first = nodeid.split("[", 1)[1].split(".")[0]
        return first if first in frameworks else None
    return None


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or report.failed:
        page = _page_of(report.nodeid)
        if page:
            counts = _OUTCOMES.setdefault(page, {"passed": 0, "failed": 0})
            counts["passed" if report.passed else "failed"] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Record, per page, how its checks went; the site shows it under each
    page's title. Pages this run did not touch keep their last record."""
    if hasattr(session.config, "workerinput") or not _OUTCOMES:
        return  # an xdist worker: the controller sees every report
    import datetime
    import json
    import platform

    path = harness.LAST_RUN
    record = json.loads(path.read_text()) if path.exists() else {"pages": {}}
    record["pages"].update(_OUTCOMES)
    record["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    record["python"] = platform.python_version()
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[type[harness.Reader]]:
    """`reader(walkthrough)` gives a Reader in a fresh folder; every server it
    started is stopped afterwards, pass or fail.

    It skips the page's `pip install` commands, which `test_as_reader` runs
    for every walkthrough; everything else is done as the page says.
    """
    yield lambda w: harness.Reader(w, tmp_path, installs=False)
    harness.kill_all()


def build_site(out: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` from the repo root, as `make test` and CI do."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=harness.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site, built once per run even across xdist workers."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / "site"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "index.html").exists():
            result = build_site(out)
            if result.returncode != 0:
                log = (result.stdout + result.stderr).splitlines()
                problems = [ln for ln in log if ln.startswith(("ERROR", "WARNING"))] or log[-20:]
                pytest.fail("mkdocs build --strict failed:\n" + "\n".join(problems), pytrace=False)
    return out
