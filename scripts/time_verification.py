"""Time the project's own verification and its site build.

Runs `make test` and `mkdocs build --strict` several times (the first run of each
only warms caches and is not counted) and prints the median and spread of the
wall times. Usage: `make timings` or `.venv/bin/python scripts/time_verification.py [runs]`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall_times(command: list[str], runs: int) -> list[float]:
    times = []
    for i in range(runs + 1):  # one warm-up run first
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        if i:
            times.append(elapsed)
    return times


def report(name: str, times: list[float]) -> None:
    print(
        f"{name:<28} median {statistics.median(times):6.2f} s   "
        f"min {min(times):6.2f} s   max {max(times):6.2f} s   ({len(times)} warm runs)"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as out:
        build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", out]
        report("mkdocs build --strict", wall_times(build, runs))
    report("make test", wall_times(["make", "test"], runs))


if __name__ == "__main__":
    main()
