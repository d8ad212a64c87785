"""How long does `make serve` take to show a snippet edit in the browser?

Starts the live-reloading preview (`python -m guide.serve`, as `make serve`
does, on a free loopback port), opens the Flask page in headless
Chromium, then several times: appends a comment line to the snippet that page
shows, and waits until the page in the browser shows it. Prints each delay and
their median; restores the snippet, stops the server. Not a test: it only
reports.

Usage: `make reload-time` or `.venv/bin/python scripts/reload_time.py [--edits N]`.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import time
from pathlib import Path

from guide.paths import ROOT
from guide.processes import Server, free_port, kill_all, reader_env
from guide.walkthroughs import Command

SNIPPET = ROOT / "snippets" / "flask" / "hello" / "app.py"
PAGE = "/flask/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    command = Command(f"{shlex.quote(sys.executable)} -m guide.serve -a 127.0.0.1:{port}",
                      output=("Serving on",))
    env = {**reader_env(), "NO_MKDOCS_2_WARNING": "1"}
    original = SNIPPET.read_text()
    delays = []
    try:
        with Server(command, port, ROOT, "make serve", env), sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            tab = browser.new_page()
            tab.goto(f"http://127.0.0.1:{port}{PAGE}")
            for n in range(args.edits):
                marker = f"# edited {n} at {time.time_ns()}"
                start = time.perf_counter()
                SNIPPET.write_text(original + marker + "\n")
                tab.wait_for_function(f"document.body.innerText.includes({marker!r})", timeout=30_000)
                delays.append(time.perf_counter() - start)
                print(f"edit {n + 1}: shown after {delays[-1]:.2f} s", flush=True)
            browser.close()
    finally:
        SNIPPET.write_text(original)
        kill_all()
    print(f"median {statistics.median(delays):.2f} s, min {min(delays):.2f} s, max {max(delays):.2f} s "
          f"over {len(delays)} edits ({os.cpu_count()} CPUs, load {Path('/proc/loadavg').read_text().split()[0]})")


if __name__ == "__main__":
    main()
