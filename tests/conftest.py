"""Fixtures shared by every test: a reader in a temporary folder, and the
guarantee that no server outlives the run."""

from __future__ import annotations

import atexit
import signal
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


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[type[harness.Reader]]:
    """`reader(walkthrough)` gives a Reader in a fresh folder; every server it
    started is stopped afterwards, pass or fail.

    It skips the page's `pip install` commands, which `test_as_reader` runs
    for every walkthrough; everything else is done as the page says.
    """
    yield lambda w: harness.Reader(w, tmp_path, installs=False)
    harness.kill_all()
