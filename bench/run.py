"""What one benchmark run measures, read from the registry, and the results
file it writes.

In order: each framework's Items API served by the `prod` step of its Compare
walkthrough (the production command the page gives, one worker process), in
a copy of its folder; each framework's variants (another production server
for the same app); the reference points; then the slow-request servers, each
level of simultaneous connections against a fresh process, and the WebSocket
levels where the registry says the server has one.
"""

from __future__ import annotations

import contextlib
import datetime
import shutil
import tempfile
import time
from pathlib import Path

from bench import load, machine, measure
from guide import registry
from guide.paths import BENCH
from guide.registry import Target
from guide.walkthroughs import Command

RESULTS = BENCH / "results.json"
SERVERS = BENCH / "servers"

FULL = {
    "concurrency": 50,
    "wrk_threads": 1,
    "warmup_s": 2,
    "duration_s": 4,
    "repetitions": 3,
    "endpoints": ["/items", "/items/1"],
    "wrk_timeout_s": 5,
    "slow_levels": [1000, 5000],
    "slow_timeout_s": 20.0,
    "ws_levels": [1000, 5000],
    "ws_timeout_s": 30.0,
}
SMOKE = {
    "concurrency": 10,
    "wrk_threads": 1,
    "warmup_s": 0,
    "duration_s": 1,
    "repetitions": 1,
    "endpoints": ["/items/1"],
    "wrk_timeout_s": 2,
    "slow_levels": [50],
    "slow_timeout_s": 4.0,
    "ws_levels": [50],
    "ws_timeout_s": 5.0,
}
"""A few seconds per server: every target starts, answers under load and stops."""

METHOD_NOTES = {
    "wrk_command": "wrk -t{wrk_threads} -c{concurrency} -d{duration_s}s --timeout={wrk_timeout_s}s --latency URL",
    "hello": "GET /items/1 (the snippets have no plainer endpoint; adding one would change them)",
    "servers": "each framework's `prod` serve step from snippets/compare/walkthroughs.yml, "
               "one worker process, in a copy of its snippet folder; access logs as the page's command leaves them "
               "(uvicorn and CherryPy log every request to stdout, which the harness reads)",
    "cold_start": "from starting the command to the first 200 from GET /items/1 (polled every 10 ms "
                  "after the harness sees the port open; the harness polls every 50 ms)",
    "peak_rss": "sum of VmRSS over the server's process group, sampled every 0.25 s during the load",
    "slow_requests": "N simultaneous GET /slow (each waits 1 s in the server), raw asyncio streams, "
                     "Connection: close, one client process; both servers listen with backlog 4096 "
                     "(capped by net.core.somaxconn)",
    "websockets": "N simultaneous WebSocket connections to /ws of bench/servers/slow_tornado.py (an echo "
                  "handler), client `websockets` on asyncio in one process: each connects, sends one "
                  "message, reads the echo and stays open until all have echoed or failed",
    "variants": "extra rows: another production server for a framework's same Compare app (the registry's variants)",
    "machine_shared": "wrk, the server and this script share the machine's cores",
}


def folder_for(target: Target, tmp: Path) -> Path:
    """Where a target runs: a copy of its Items API folder (with its extra
    files from bench/servers/), or bench/servers/ itself."""
    if not target.items_api:
        return SERVERS
    home = tmp / target.key
    shutil.copytree(registry.framework(target.items_api.partition(".")[2]).items_walkthrough().source, home)
    for name in target.files:
        shutil.copy(SERVERS / name, home / name)
    return home


def command_of(target: Target) -> Command:
    return Command(target.line, output=target.ready)


def frameworks(only: set[str], wrk: str, method: dict, tmp: Path) -> dict:
    """Each framework's Compare app on its page's production command."""
    results = {}
    for key, fw in registry.frameworks().items():
        if only and key not in only:
            continue
        w = fw.items_walkthrough()
        step = w.step("prod")
        assert step.serve and step.port
        home = tmp / key
        shutil.copytree(w.source, home)
        results[key] = measure.server(key, step.serve, step.port, home, wrk, method)
    return results


def variants(only: set[str], wrk: str, method: dict, tmp: Path) -> dict:
    results = {}
    for key, target in registry.variants().items():
        if only and not {key, target.framework} & only:
            continue
        result = measure.server(target.label, command_of(target), target.port, folder_for(target, tmp), wrk, method)
        results[key] = {"framework": target.framework, "label": target.label, **result}
    return results


def references(smoke: bool, wrk: str, method: dict, tmp: Path) -> dict:
    results: dict = {}
    for key, target in registry.references().items():
        if target.full and smoke:
            continue
        if target.needs and not shutil.which(target.needs):
            results[key] = {"available": False, "note": f"{target.needs} not available"}
            continue
        cwd = folder_for(target, tmp)
        results[key] = measure.server(target.label, command_of(target), target.port, cwd, wrk, method)
    results["go"] = (
        {"available": False, "note": "not available: no `go` on this machine"}
        if not shutil.which("go")
        else {"available": True, "note": "go exists but no Go reference server is written yet"}
    )
    return results


def slow(method: dict, tmp: Path) -> tuple[dict, dict]:
    """Slow requests against every slow server, then WebSockets where it has them."""
    requests, websockets = {}, {}
    for key, target in registry.slow_servers().items():
        cwd = folder_for(target, tmp)
        requests[key] = measure.levels(
            f"slow requests, {target.label}", command_of(target), target.port, cwd, method["slow_levels"],
            lambda n, t=target: load.slow_load(t.port, n, method["slow_timeout_s"]),
            lambda level: (
                f"{level['completed']} completed, last after {level['seconds_to_last_completion']} s, "
                f"{level['unfinished_at_timeout']} unfinished at {level['timeout_s']} s, "
                f"errors {level['errors']}, peak RSS {level['peak_rss_mib']} MiB"
            ),
        )
        if target.websockets:
            websockets[key] = measure.levels(
                f"WebSockets, {target.label}", command_of(target), target.port, cwd, method["ws_levels"],
                lambda n, t=target: load.ws_load(t.port, n, method["ws_timeout_s"]),
                lambda level: (
                    f"{level['echoed']} echoed, {level['peak_open']} open at once, "
                    f"last echo after {level['seconds_to_last_echo']} s, errors {level['errors']}, "
                    f"peak RSS {level['peak_rss_mib']} MiB"
                ),
            )
    return requests, websockets


def ratios(results: dict) -> dict:
    """The ratios the Performance page's claims rest on, for a quick look at the file."""

    def rps(group: str, name: str, path: str = "/items/1") -> float | None:
        with contextlib.suppress(KeyError, TypeError):
            return results[group][name]["endpoints"][path]["requests_per_s_median"]
        return None

    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 3) if a and b else None

    out: dict = {}
    for path in results["method"]["endpoints"]:
        node = rps("references", "node_http", path)
        out[f"fastapi_vs_node_http_rps {path}"] = ratio(rps("frameworks", "fastapi", path), node)
        hello = rps("references", "fastapi_hello_async", path)
        out[f"fastapi_hello_async_vs_node_http_rps {path}"] = ratio(hello, node)
        out[f"fastapi_vs_bare_asgi_rps {path}"] = ratio(rps("frameworks", "fastapi", path),
                                                       rps("references", "bare_asgi_uvicorn", path))
    slow_results = results.get("slow_requests", {})
    for n in results["method"]["slow_levels"]:
        with contextlib.suppress(KeyError, TypeError):
            t = slow_results["tornado"]["levels"][str(n)]
            g = slow_results["gunicorn_sync_flask"]["levels"][str(n)]
            out[f"slow_{n}_completed tornado/gunicorn_sync"] = f"{t['completed']}/{g['completed']}"
            out[f"slow_{n}_completed_ratio tornado_vs_gunicorn_sync"] = ratio(t["completed"], g["completed"])
    return {k: v for k, v in out.items() if v is not None}


def run(smoke: bool = False, only: set[str] | None = None) -> dict:
    """One whole run; the results, ready to be written."""
    only = only or set()
    method = dict(SMOKE if smoke else FULL)
    wrk = machine.find_wrk()
    nofile = machine.raise_nofile()
    started = time.monotonic()
    results: dict = {
        "mode": "smoke" if smoke else "full",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine.machine(),
        "software": machine.software(wrk),
        "method": {**method, **METHOD_NOTES, "rlimit_nofile": nofile},
        "frameworks": {}, "variants": {}, "references": {}, "slow_requests": {}, "websockets": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        tmp = Path(folder)
        results["frameworks"] = frameworks(only, wrk, method, tmp)
        results["variants"] = variants(only, wrk, method, tmp)
        if not only or "references" in only:
            results["references"] = references(smoke, wrk, method, tmp)
        if not only or "slow" in only:
            results["slow_requests"], results["websockets"] = slow(method, tmp)
    return finish(results, started)


def finish(results: dict, started: float) -> dict:
    """The summary fields: ratios, ports, whether every server stopped, failures."""
    results["machine"]["loadavg_at_end"] = machine.loadavg()
    results["ratios"] = ratios(results)
    groups = ("frameworks", "variants", "references", "slow_requests", "websockets")
    servers = [s for group in groups for s in results[group].values()]
    results["ports"] = [s["port"] for s in servers if "port" in s]
    results["all_stopped"] = all(s.get("stopped", True) and s.get("port_free_after", True) for s in servers)
    results["pgids"] = [p for s in servers for p in [s.get("pgid"), *s.get("pgids", [])] if p]
    results["failures"] = {
        name: s["error"] for group in groups for name, s in results[group].items() if "error" in s
    }
    results["total_seconds"] = round(time.monotonic() - started, 1)
    return results
