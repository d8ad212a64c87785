"""A reader's pytest file run against several broken copies of their app, in
one process.

Showing that a reader's tests catch a broken app means running them once per
breakage. Each run is what the page's `pytest` command does in that folder;
done in one Python process one after another, the framework and pytest are
imported once instead of once per breakage. Between runs, whatever the copy
imported (its app, its tests) is forgotten, and the import path and working
folder are put back, so each run sees only its own copy.

    python -m guide.breakage FOLDER...     prints {folder: [exit code, output]} as JSON

Apps that keep process-wide state across runs (CherryPy's engine, Django's
settings) are run the usual way instead, one process per copy.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path


def run_pytest(folder: Path) -> tuple[int, str]:
    """`pytest` in `folder`, in this process; its exit code and its output."""
    import pytest

    path, modules, cwd = list(sys.path), set(sys.modules), os.getcwd()
    output = io.StringIO()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            code = int(pytest.main(["-p", "no:cacheprovider"]))
    finally:
        os.chdir(cwd)
        sys.path[:] = path
        for name in set(sys.modules) - modules:
            where = getattr(sys.modules[name], "__file__", None) or ""
            if where.startswith(str(folder)):
                del sys.modules[name]
    return code, output.getvalue()


if __name__ == "__main__":
    results = {folder: run_pytest(Path(folder).resolve()) for folder in sys.argv[1:]}
    sys.stdout.write(json.dumps(results))
