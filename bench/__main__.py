"""The benchmark's command line.

    python -m bench            a full run (about 12 minutes), writes bench/results.json
    python -m bench --smoke    a fraction of a second per server, writes a temporary file
    python -m bench --smoke --out FILE
    python -m bench --only flask references

Ctrl-C or SIGTERM stops every server it started on the way out.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
from pathlib import Path

from bench.run import RESULTS, run
from guide.processes import kill_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true",
                        help="a fraction of a second per server; never writes bench/results.json")
    parser.add_argument("--out", type=Path, help="where to write the JSON")
    parser.add_argument("--only", nargs="*", default=[], help="only these frameworks, 'references' or 'slow'")
    args = parser.parse_args(argv)
    default = Path(tempfile.gettempdir()) / f"bench-smoke-{os.getpid()}.json" if args.smoke else RESULTS
    out = args.out or default
    if args.smoke and out.resolve() == RESULTS.resolve():
        raise SystemExit("--smoke never writes bench/results.json; pass another --out")
    results = run(smoke=args.smoke, only=set(args.only))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out} in {results['total_seconds']} s; ratios: {json.dumps(results['ratios'], indent=2)}")
    return 1 if results["failures"] or not results["all_stopped"] else 0


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupted)
    # Started in the background, a process inherits Ctrl-C as ignored, and so
    # would every server it starts: they could then not be stopped as a reader
    # stops them. Take it back (the servers get the default after exec).
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        sys.exit(main())
    finally:
        kill_all()
