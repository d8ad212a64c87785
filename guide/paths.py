"""Where the guide's files are: every other module finds pages, snippets and
benchmark data from here, so a checkout can live anywhere."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository root; the site is built and the checks are run from here."""
DOCS = ROOT / "docs"
"""The pages, one Markdown file each."""
SNIPPETS = ROOT / "snippets"
"""The files a reader saves, at the paths they save them, and the walkthrough data."""
BENCH = ROOT / "bench"
"""The benchmark behind the Performance page, and its results."""
RECORDS = ROOT / ".verification"
"""Where each verification run writes its record (see `guide.record`)."""
ABSENT = ROOT / "guide" / "absent"
"""Packages this environment has and a reader's does not, each one failing to
import; first on the path of the reader's processes (see guide/absent/watchdog)."""
