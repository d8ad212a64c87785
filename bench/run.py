"""What one benchmark run measures, read from the registry, and the results
file it writes.

In order: each framework's Items API served by the `prod` step of its Compare
walkthrough (the production command the page gives, one worker process), in
a copy of its folder; each framework's variants (another production server
for the same app, among them the one its documentation runs in production);
the reference points; then the slow-request servers, each level of
simultaneous connections against a fresh process, and the WebSocket levels
where the registry says the server has one.

A full run measures one server at a time. A smoke run only proves that every
server starts, answers under load and stops: it loads each for a fraction of
a second, and runs several servers at once (each on its own port) to be
quick; its numbers mean nothing.
"""

from __future__ import annotations

import contextlib
import datetime
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
    "wait_idle": True,
    "parallel": 1,
    "slow_levels": [1000, 5000],
    "slow_timeout_s": 20.0,
    "ws_levels": [1000, 5000],
    "ws_timeout_s": 30.0,
}
SMOKE = {
    "concurrency": 10,
    "wrk_threads": 1,
    "warmup_s": 0,
    "duration_s": 0.25,
    "repetitions": 1,
    "endpoints": ["/items/1"],
    "wrk_timeout_s": 2,
    "wait_idle": False,
    "parallel": 4,
    "slow_levels": [50],
    "slow_timeout_s": 3.0,
    "ws_levels": [50],
    "ws_timeout_s": 3.0,
}
"""A fraction of a second per server, several servers at once: every target
starts, answers under load and stops."""

METHOD_NOTES = {
    "wrk_command": "wrk -t{wrk_threads} -c{concurrency} -d{duration_s}s --timeout={wrk_timeout_s}s --latency URL",
    "hello": "GET /items/1, one small JSON object: the plainest request the Compare apps answer",
    "servers": "each started with its command as a reader types it, in a copy of its folder, and stopped "
               "with Ctrl-C; each logs what its command logs (uvicorn and CherryPy write a line per request)",
    "cold_start": "from typing the command to the first correct answer to GET /items/1",
    "idle": "before the load, each server is left until it uses almost no CPU, so every worker has started",
    "peak_rss": "the largest resident memory of the server, all its processes together, during the load",
    "processes_threads": "every process of the server (a manager and its workers) and their threads, at that peak",
    "loop_parser": "uvloop and httptools count as used when their compiled modules are loaded in the server",
    "slow_requests": "many requests at once that each wait one second in the server, each on its own "
                     "connection, from one client; both servers may queue 4,096 connections not yet accepted",
    "websockets": "many WebSocket connections at once to an echo handler: each sends one message, reads "
                  "it back and stays open until every other one has",
    "variants": "other production servers for a framework's same Compare app, among them the one its "
                "documentation runs in production",
    "machine_shared": "the load generator and the server share the machine's cores",
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


Log = Callable[[str], None]
Job = Callable[[Log], None]
"""One server's measurement: it stores its result and reports its progress through the log it is given."""


def frameworks(only: set[str], wrk: str, method: dict, tmp: Path, results: dict) -> list[Job]:
    """Each framework's Compare app on its page's production command."""
    jobs = []
    for key, fw in registry.frameworks().items():
        if only and key not in only:
            continue
        w = fw.items_walkthrough()
        step = w.step("prod")
        assert step.serve and step.port
        home = tmp / key
        shutil.copytree(w.source, home)

        def job(log: Log, key: str = key, command: Command = step.serve, port: int = step.port,
                home: Path = home) -> None:
            results[key] = measure.server(key, command, port, home, wrk, method, log)

        jobs.append(job)
    return jobs


def variants(only: set[str], wrk: str, method: dict, tmp: Path, results: dict) -> list[Job]:
    jobs = []
    for key, target in registry.variants().items():
        if only and not {key, target.framework} & only:
            continue
        cwd = folder_for(target, tmp)

        def job(log: Log, key: str = key, target: Target = target, cwd: Path = cwd) -> None:
            result = measure.server(target.label, command_of(target), target.port, cwd, wrk, method, log)
            results[key] = {"framework": target.framework, "label": target.label, **result}

        job.several_workers = "{workers}" in target.command  # type: ignore[attr-defined]
        jobs.append(job)
    return jobs


def references(wrk: str, method: dict, tmp: Path, results: dict) -> list[Job]:
    jobs = []
    for key, target in registry.references().items():
        if target.needs and not shutil.which(target.needs):
            results[key] = {"available": False, "note": f"{target.needs} not available"}
            continue
        cwd = folder_for(target, tmp)

        def job(log: Log, key: str = key, target: Target = target, cwd: Path = cwd) -> None:
            results[key] = measure.server(target.label, command_of(target), target.port, cwd, wrk, method, log)

        jobs.append(job)
    results["go"] = (
        {"available": False, "note": "not available: no `go` on this machine"}
        if not shutil.which("go")
        else {"available": True, "note": "go exists but no Go reference server is written yet"}
    )
    return jobs


def slow(method: dict, tmp: Path, requests: dict, websockets: dict) -> list[Job]:
    """Slow requests against every slow server, then WebSockets where it has them."""
    jobs = []
    for key, target in registry.slow_servers().items():
        cwd = folder_for(target, tmp)

        def job(log: Log, key: str = key, target: Target = target, cwd: Path = cwd) -> None:
            requests[key] = measure.levels(
                f"slow requests, {target.label}", command_of(target), target.port, cwd, method["slow_levels"],
                lambda n: load.slow_load(target.port, n, method["slow_timeout_s"]),
                lambda level: (
                    f"{level['completed']} completed, last after {level['seconds_to_last_completion']} s, "
                    f"{level['unfinished_at_timeout']} unfinished at {level['timeout_s']} s, "
                    f"errors {level['errors']}, peak RSS {level['peak_rss_mib']} MiB"
                ),
                log,
            )
            if target.websockets:
                websockets[key] = measure.levels(
                    f"WebSockets, {target.label}", command_of(target), target.port, cwd, method["ws_levels"],
                    lambda n: load.ws_load(target.port, n, method["ws_timeout_s"]),
                    lambda level: (
                        f"{level['echoed']} echoed, {level['peak_open']} open at once, "
                        f"last echo after {level['seconds_to_last_echo']} s, errors {level['errors']}, "
                        f"peak RSS {level['peak_rss_mib']} MiB"
                    ),
                    log,
                )

        jobs.append(job)
    return jobs


def run_jobs(jobs: list[Job], parallel: int) -> None:
    """One job at a time, printing as it goes (a full run); or `parallel` at
    once, each printing its lines together when it is done (a smoke run)."""
    if parallel <= 1:
        for job in jobs:
            job(measure.say)
        return

    def buffered(job: Job) -> None:
        lines: list[str] = []
        try:
            job(lines.append)
        finally:
            measure.say("\n".join(lines))

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        for future in [pool.submit(buffered, job) for job in jobs]:
            future.result()


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
        bare = rps("references", "bare_asgi_uvicorn", path)
        out[f"fastapi_vs_node_http_rps {path}"] = ratio(rps("frameworks", "fastapi", path), node)
        hello = rps("references", "fastapi_hello_async", path)
        out[f"fastapi_hello_async_vs_node_http_rps {path}"] = ratio(hello, node)
        out[f"fastapi_vs_bare_asgi_rps {path}"] = ratio(rps("frameworks", "fastapi", path), bare)
        out[f"fastapi_async_vs_bare_asgi_rps {path}"] = ratio(rps("variants", "fastapi_async", path), bare)
        out[f"fastapi_async_vs_def_rps {path}"] = ratio(rps("variants", "fastapi_async", path),
                                                       rps("frameworks", "fastapi", path))
        for key, fw in registry.frameworks().items():
            row = fw.documented_row()[0]
            if row != key:
                out[f"{row}_vs_{key}_rps {path}"] = ratio(rps("variants", row, path), rps("frameworks", key, path))
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
        "method": {**method, **METHOD_NOTES, "rlimit_nofile": nofile, "workers": registry.workers()},
        "frameworks": {}, "variants": {}, "references": {}, "slow_requests": {}, "websockets": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        tmp = Path(folder)
        jobs = frameworks(only, wrk, method, tmp, results["frameworks"])
        jobs += variants(only, wrk, method, tmp, results["variants"])
        if not only or "references" in only:
            jobs += references(wrk, method, tmp, results["references"])
        held = slow(method, tmp, results["slow_requests"], results["websockets"]) if not only or "slow" in only else []
        if smoke:
            # What takes longest first: the held connections (they wait out
            # their timeout), then the servers that start several workers.
            jobs = held + sorted(jobs, key=lambda job: not getattr(job, "several_workers", False))
        else:
            jobs += held  # last, away from the requests/s
        run_jobs(jobs, method["parallel"])
    for group in ("frameworks", "variants", "references", "slow_requests", "websockets"):
        results[group] = in_order(group, results[group])
    return finish(results, started)


def in_order(group: str, found: dict) -> dict:
    """A group's results in the registry's order, whatever order they finished in."""
    order = {
        "frameworks": list(registry.frameworks()),
        "variants": list(registry.variants()),
        "references": [*registry.references(), "go"],
    }.get(group, list(registry.slow_servers()))
    return {key: found[key] for key in sorted(found, key=lambda k: order.index(k) if k in order else len(order))}


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
