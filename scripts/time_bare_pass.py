"""What does the verification cost, against doing by hand what a reader does?

A bare reader-style pass, without pytest: every walkthrough followed in an
empty folder with harness.Reader (its commands typed, its files saved), each
serve step's server started by the page's command through harness.Server (own
process group, port lock, stopped by its group whatever happens), each URL the
page names opened once (and checked as the page says), the server stopped. Its
wall time is printed beside the medians of the warm `make test` and
`mkdocs build --strict` (scripts/time_verification.py's functions), and the
ratio verification / (bare pass + build).

Usage: .venv/bin/python scripts/time_bare_pass.py [--runs N] [--config mkdocs.yml]
Not a test: it only reports. Only loopback traffic.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

import harness
import time_verification


def bare_pass() -> tuple[float, int, int]:
    """Follow every walkthrough once; return (seconds, servers, URLs opened)."""
    servers = urls = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bare-pass-") as tmp:
        for i, w in enumerate(harness.walkthroughs()):
            for step, server in harness.Reader(w, Path(tmp) / str(i)).follow():
                servers += 1
                context = harness.where(w, step) + " [bare pass]"
                for visit in step.visits:
                    harness.visit_live(server, visit, context)
                    urls += 1
    return time.perf_counter() - start, servers, urls


def wall_times(command: list[str], runs: int) -> tuple[list[float], list[int]]:
    """time_verification.wall_times, but a failing run is timed and reported,
    not fatal: the exit codes come back beside the times."""
    try:
        return time_verification.wall_times(command, runs), [0] * runs
    except SystemExit as failed:
        print(f"  (a run failed; timing every run anyway)\n{str(failed)[-600:]}", file=sys.stderr)
    times, codes = [], []
    for i in range(runs + 1):
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if i:
            times.append(time.perf_counter() - start)
            codes.append(result.returncode)
    return times, codes


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="warm runs of make test and of the build")
    parser.add_argument("--config", help="mkdocs.yml to build with (default: the repo's)")
    args = parser.parse_args()
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    os.environ.pop("COVERAGE_PROCESS_CONFIG", None)
    signal.signal(signal.SIGTERM, _interrupted)  # stop the servers on the way out
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average "
          f"{Path('/proc/loadavg').read_text().split()[:3]}")
    try:
        bare, servers, urls = bare_pass()
    finally:
        harness.kill_all()
    print(f"{'bare reader pass':<28} {bare:13.2f} s   ({servers} servers, {urls} URLs, one run)")

    with tempfile.TemporaryDirectory() as out:
        build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", out]
        if args.config:
            build += ["--config-file", args.config]
        build_times, build_codes = wall_times(build, args.runs)
    time_verification.report("mkdocs build --strict", build_times)
    test_times, test_codes = wall_times(["make", "test"], args.runs)
    time_verification.report("make test", test_times)
    if any(build_codes) or any(test_codes):
        print(f"NOTE: failing runs (exit codes) build {build_codes}, make test {test_codes}")

    verification = statistics.median(test_times)
    by_hand = bare + statistics.median(build_times)
    print(f"ratio make test / (bare pass + build) = {verification:.2f} / {by_hand:.2f} "
          f"= {verification / by_hand:.2f}")


if __name__ == "__main__":
    main()
