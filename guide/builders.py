"""The site, built by either builder from the same `mkdocs.yml`.

MkDocs is the primary builder (`make build`, `make serve`). Zensical, the
Material team's successor, reads the same file and runs the same
Python-Markdown extensions, `guide.render` included, but no MkDocs hook. It
insists that its configuration and its output both lie inside the project,
so `zensical()` builds from a copy of `mkdocs.yml` in the project root into a
folder there, then moves the site where it was asked for and removes both.

    python -m guide.builders zensical OUT     (make build-zensical)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from guide.paths import ROOT

CONFIG = ROOT / "mkdocs.yml"


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    # Not under coverage, which a test run would hand down: a build runs no
    # snippet, and Python 3.11's tracer doubles its time (2.7 s -> 4.9 s).
    env = {k: v for k, v in os.environ.items() if k != "COVERAGE_PROCESS_CONFIG"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def mkdocs(out: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` from the repo root into `out`."""
    return _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)])


def zensical(out: Path) -> subprocess.CompletedProcess[str]:
    """`zensical build --strict --clean` into `out` (its cache is cleaned, so
    an edit to the walkthrough data, which Zensical does not watch, is seen)."""
    tag = f".zensical-{os.getpid()}"
    config, site = ROOT / f"{tag}.yml", ROOT / f"{tag}-site"
    config.write_text(CONFIG.read_text(encoding="utf-8") + f"\nsite_dir: {site.name}\n", encoding="utf-8")
    try:
        result = _run([str(Path(sys.executable).with_name("zensical")), "build", "--strict", "--clean",
                       "--config-file", config.name])
        if result.returncode == 0:
            shutil.rmtree(out, ignore_errors=True)
            shutil.move(site, out)
        return result
    finally:
        config.unlink(missing_ok=True)
        shutil.rmtree(site, ignore_errors=True)


def problems(result: subprocess.CompletedProcess[str]) -> str:
    """What a failed build said: its warnings and errors, or its last lines."""
    log = (result.stdout + result.stderr).splitlines()
    found = [ln for ln in log if ln.startswith(("ERROR", "WARNING", "Error", "Warning"))]
    return "\n".join(found or log[-20:])


if __name__ == "__main__":
    builder, target = sys.argv[1], Path(sys.argv[2]).resolve()
    done = {"mkdocs": mkdocs, "zensical": zensical}[builder](target)
    if done.returncode:
        sys.exit(f"{builder} build failed:\n{problems(done)}")
    print(f"{builder}: built the site into {target}")
