"""Run the whole verification under every supported Python found here.

For each of the supported versions (see `requires-python` and the classifiers
in pyproject.toml) that is installed (on PATH as `python3.X`, or under pyenv),
builds `.venv-3.X` from requirements.lock and runs the suite. Prints one line
per interpreter; exit status 1 if any run failed.

Usage: `make test-pythons`.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ["3.11", "3.12", "3.13"]


def find(version: str) -> str | None:
    """An interpreter for `version` that really runs (a pyenv shim for a
    version that is installed but not selected does not)."""
    pyenv = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    for candidate in [*reversed(pyenv), shutil.which(f"python{version}")]:
        if candidate and subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return candidate
    return None


def main() -> int:
    results = []
    for version in SUPPORTED:
        python = find(version)
        if not python:
            results.append((version, "not installed here"))
            continue
        venv = ROOT / f".venv-{version}"
        if not (venv / "bin" / "python").exists():
            subprocess.run([python, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "--require-hashes", "--no-deps", "-r", "requirements.lock"], cwd=ROOT, check=True)
        jobs = str(2 * (os.cpu_count() or 1))
        test = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-n", jobs, "--cov", "--cov-report="],
            cwd=ROOT,
        )
        results.append((version, "passed" if test.returncode == 0 else f"FAILED (exit {test.returncode})"))
    print()
    for version, outcome in results:
        print(f"Python {version}: {outcome}")
    return 1 if any(o.startswith("FAILED") for _, o in results) else 0


if __name__ == "__main__":
    sys.exit(main())
