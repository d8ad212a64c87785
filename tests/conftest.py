"""Fixtures shared by every test: a reader in a temporary folder, the built
site, and the guarantee that no server outlives the run."""

from __future__ import annotations

import atexit
import fcntl
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from guide import builders
from guide.processes import kill_all
from guide.reader import Reader
from guide.walkthroughs import Walkthrough

atexit.register(kill_all)


def _terminate(signum: int, frame: object) -> None:
    kill_all()
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, _terminate)
signal.signal(signal.SIGHUP, _terminate)
# A run started in the background (`make test &`) inherits SIGINT as ignored,
# and so would every server it starts: they could not be stopped with Ctrl-C.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[Callable[[Walkthrough], Reader]]:
    """`reader(walkthrough)` gives a Reader in a fresh folder; every server it
    started is stopped afterwards, pass or fail.

    It skips the page's `pip install` commands, which `test_as_reader` runs
    for every walkthrough; everything else is done as the page says.
    """
    yield lambda w: Reader(w, tmp_path, installs=False)
    kill_all()


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """`make(path)`, done once per run: the first xdist worker to ask does it,
    under a file lock; the others wait for it and get the same path."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / f"{name}.done").exists():
            make(out)
            (shared / f"{name}.done").touch()
    return out


def _built_once(tmp_path_factory: pytest.TempPathFactory, name: str,
                build: Callable[[Path], subprocess.CompletedProcess[str]]) -> Path:
    """A site built once per run, shared by every xdist worker."""

    def make(out: Path) -> None:
        result = build(out)
        if result.returncode != 0:
            pytest.fail(f"{name}: the strict build failed:\n{builders.problems(result)}", pytrace=False)

    return once_per_run(tmp_path_factory, name, make)


@pytest.fixture(scope="session")
def run_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[Path], None]], Path]:
    """`run_once(name, make)`: `make(path)` once per run, whichever worker asks first."""
    return lambda name, make: once_per_run(tmp_path_factory, name, make)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as MkDocs builds it (`mkdocs build --strict`), once per run."""
    return _built_once(tmp_path_factory, "site", builders.mkdocs)


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same site as Zensical builds it (`zensical build --strict`), once per run."""
    return _built_once(tmp_path_factory, "zensical-site", builders.zensical)
