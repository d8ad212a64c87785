"""Run the whole verification under every supported Python found here.

For each supported version (pyproject.toml's classifiers) that is installed
(on PATH as `python3.X`, or under pyenv), builds `.venv-3.X` from
requirements.lock, as `make` builds `.venv`, and runs the suite there; each run
leaves its record in `.verification/`, so the pages' boxes show every one.
Then prints a table: the Python, the versions of the seven frameworks it ran
with, and the tests passed. Exit status 1 if any run failed.

Usage: `make test-pythons`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from guide import registry
from guide.lock import interpreter, supported_pythons
from guide.paths import ROOT

UV_VERSION = re.search(r"^uv==([\d.]+)", (ROOT / "requirements.lock").read_text(), re.M)[1]  # type: ignore[index]


def environment(python: str, version: str) -> Path:
    """`.venv-X.Y` from the lock, built the way the Makefile builds `.venv`."""
    venv = ROOT / f".venv-{version}"
    stamp = venv / f".installed-{hashlib.sha256((ROOT / 'requirements.lock').read_bytes()).hexdigest()[:12]}"
    if not stamp.exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        bin_ = venv / "bin"
        subprocess.run([bin_ / "python", "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}"], check=True)
        uv = [str(bin_ / "uv"), "pip", "install", "--quiet", "--python", str(bin_ / "python"), "--no-deps"]
        subprocess.run([*uv, "--require-hashes", "--compile-bytecode", "-r", "requirements.lock"], cwd=ROOT, check=True)
        subprocess.run([*uv, "--no-build-isolation", "--editable", "."], cwd=ROOT, check=True)
        stamp.touch()
    return venv


def run(venv: Path) -> tuple[int, str]:
    """The suite in that environment; (exit code, pytest's summary line)."""
    jobs = str(2 * (os.cpu_count() or 1))
    with tempfile.TemporaryDirectory(prefix="test-pythons-") as basetemp:  # runs never share temp folders
        proc = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-n", jobs, "--basetemp", basetemp,
             "--cov", "--cov-report="],
            cwd=ROOT, capture_output=True, text=True,
        )
    summary = next((line.strip("= ") for line in reversed(proc.stdout.splitlines()) if " in " in line), "")
    print(proc.stdout[-3000:] if proc.returncode else summary, flush=True)
    return proc.returncode, summary


def versions(venv: Path) -> dict[str, str]:
    dists = [fw.dist for fw in registry.frameworks().values()]
    code = f"import json, importlib.metadata as m; print(json.dumps({{d: m.version(d) for d in {dists!r}}}))"
    out = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> int:
    rows, failed = [], False
    names = [fw.name for fw in registry.frameworks().values()]
    for version in supported_pythons():
        python = interpreter(version)
        if not python:
            rows.append([version, *["–"] * len(names), "not installed here"])
            continue
        print(f"== Python {version} ({python})", flush=True)
        venv = environment(python, version)
        code, summary = run(venv)
        failed = failed or code != 0
        full = subprocess.run([str(venv / "bin" / "python"), "--version"], capture_output=True, text=True).stdout
        rows.append([full.split()[1], *versions(venv).values(), summary if code == 0 else f"FAILED: {summary}"])
    head = ["Python", *names, "Tests"]
    print("\n| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
