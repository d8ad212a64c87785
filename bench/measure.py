"""One server at a time: started as a reader starts it (its own process
group, the port lock), its cold start timed, left to finish starting its
workers, loaded, its memory, threads and compiled modules sampled, and stopped
by its whole group whatever happens."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.load import summarise, wrk_run
from guide.processes import START_TIMEOUT, Server, group_alive, port_is_free, port_lock, reader_env
from guide.walkthroughs import Command

HELLO = "/items/1"
"""The endpoint the cold start is timed to: one small JSON object."""
EXPECTED = {
    "/items": [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}],
    "/items/1": {"id": 1, "name": "Hammer"},
}
"""What every Items API answers before it is loaded; anything else is an error."""

NATIVE = {"uvloop": "/uvloop/loop.", "httptools": "/httptools/parser/parser."}
"""The compiled modules whose presence in a server's memory shows the event
loop and the HTTP parser uvicorn really runs (its `auto` picks them when they
are installed, and falls back to asyncio and h11, pure Python, when not)."""

TICK = os.sysconf("SC_CLK_TCK")


def group(pgid: int) -> list[tuple[Path, list[str]]]:
    """The processes of a process group: each one's /proc folder and the
    fields of its stat line after the command (state, ppid, pgrp, ...)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                found.append((proc, fields))
        except (OSError, ValueError, IndexError):
            continue
    return found


def cpu_seconds(pgid: int) -> float:
    """CPU time used so far by the group's live processes (user + system)."""
    return sum(int(f[11]) + int(f[12]) for _, f in group(pgid)) / TICK


def loaded(pgid: int) -> dict[str, bool]:
    """Which of the compiled modules in NATIVE any process of the group has loaded."""
    maps = ""
    for proc, _ in group(pgid):
        with contextlib.suppress(OSError):
            maps += (proc / "maps").read_text()
    return {name: marker in maps for name, marker in NATIVE.items()}


def wait_idle(pgid: int, timeout: float = 20.0, every: float = 0.5, busy: float = 0.05) -> float | None:
    """After the first answer, wait until the server has finished starting:
    its group uses under `busy` of one core over `every` seconds (a server
    with several workers answers once its first worker is up, while the
    others are still importing the application). The seconds it took, or
    None if it stayed busy for `timeout` seconds."""
    start = time.monotonic()
    before = cpu_seconds(pgid)
    while time.monotonic() - start < timeout:
        time.sleep(every)
        now = cpu_seconds(pgid)
        if now - before < busy * every:
            return round(time.monotonic() - start, 2)
        before = now
    return None


class RssSampler:
    """Peak resident memory of a process group, summed over its processes,
    with the number of processes and of threads at that peak."""

    def __init__(self, pgid: int, every: float = 0.25) -> None:
        self.pgid, self.every = pgid, every
        self.peak_kib = 0
        self.peak_processes = 0
        self.peak_threads = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        total, count, threads = 0, 0, 0
        for proc, fields in group(self.pgid):
            try:
                status = (proc / "status").read_text()
            except OSError:
                continue
            m = re.search(r"^VmRSS:\s*(\d+) kB", status, re.MULTILINE)
            if m:
                total += int(m.group(1))
                count += 1
                threads += int(fields[17])  # num_threads
        if total > self.peak_kib:
            self.peak_kib, self.peak_processes = total, count
        self.peak_threads = max(self.peak_threads, threads)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def first_200(port: int, path: str, deadline: float) -> float:
    """Poll until `path` answers 200; the monotonic time it did."""
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if get(port, path, timeout=2)[0] == 200:
                return time.monotonic()
        time.sleep(0.01)
    raise AssertionError(f"port {port}: {path} never answered 200")


def stopped(server: Server) -> dict:
    """Whether the server's process group is gone and its port free. The port
    is checked under the port lock, so a test run beside this one that starts
    its own server on the same port is not mistaken for ours."""
    pgid = server.proc.pid if hasattr(server, "proc") else None
    lock = port_lock(server.port)
    try:
        free = port_is_free(server.port)
    finally:
        lock.close()
    return {"pgid": pgid, "stopped": pgid is None or not group_alive(pgid), "port_free_after": free}


def say(text: str) -> None:
    print(text, flush=True)


def server(name: str, command: Command, port: int, cwd: Path, wrk: str, method: dict,
           log: Callable[[str], None] = say) -> dict:
    """Start one server, time its cold start, wait until it is idle (in a full
    run), load each endpoint with wrk, note what it runs on, stop it."""
    log(f"== {name}: {command.line}")
    result: dict = {"command": command.line, "port": port, "hello_endpoint": HELLO}
    t0 = time.monotonic()
    running = Server(command, port, cwd, f"bench {name}", reader_env())
    try:
        with running:
            result["cold_start_s"] = round(first_200(port, HELLO, t0 + START_TIMEOUT) - t0, 3)
            result["pid"] = running.proc.pid
            if method.get("wait_idle"):
                result["idle_after_s"] = wait_idle(running.proc.pid)
            for path in method["endpoints"]:
                status, body = get(port, path)
                if status != 200 or json.loads(body) != EXPECTED[path]:
                    raise AssertionError(f"{name}: GET {path} gave {status} {body[:200]!r}")
            with RssSampler(running.proc.pid) as rss:
                rss.sample()
                result["rss_after_start_mib"] = round(rss.peak_kib / 1024, 1)
                result["endpoints"] = {path: load_endpoint(wrk, port, path, method, log)
                                       for path in method["endpoints"]}
                rss.sample()
            result["peak_rss_mib"] = round(rss.peak_kib / 1024, 1)
            result["processes"] = rss.peak_processes
            result["threads"] = rss.peak_threads
            result["loaded"] = loaded(running.proc.pid)
    except Exception as exc:  # noqa: BLE001  record it, go on with the next server
        result["error"] = f"{type(exc).__name__}: {exc}"[:2000]
        log(f"   FAILED: {result['error']}")
    result.update(stopped(running))
    log(f"   cold start {result.get('cold_start_s')} s, peak RSS {result.get('peak_rss_mib')} MiB, "
        f"{result.get('processes')} processes, {result.get('threads')} threads, loaded {result.get('loaded')}, "
        f"stopped {result['stopped']}")
    return result


def load_endpoint(wrk: str, port: int, path: str, method: dict, log: Callable[[str], None] = say) -> dict:
    """A warm-up run, then the timed runs of one endpoint, summarised."""
    url = f"http://127.0.0.1:{port}{path}"
    if method["warmup_s"]:
        wrk_run(wrk, url, method, method["warmup_s"])
    s = summarise([wrk_run(wrk, url, method, method["duration_s"]) for _ in range(method["repetitions"])])
    log(
        f"   GET {path}: {s['requests_per_s_median']:.0f} req/s "
        f"(min {s['requests_per_s_min']:.0f}, max {s['requests_per_s_max']:.0f}), "
        f"p50 {s['latency_p50_ms_median']:.2f} ms, p99 {s['latency_p99_ms_median']:.2f} ms, "
        f"errors {s['errors']}, timeouts {s['timeouts']}"
    )
    return s


def levels(
    name: str, command: Command, port: int, cwd: Path, counts: list[int],
    load: Callable[[int], Any], summary: Callable[[dict], str], log: Callable[[str], None] = say,
) -> dict:
    """Run `load(n)` for each level `n` against a fresh server (a sync worker
    would otherwise still be working through what the last level gave up on),
    sampling the server's memory; `summary(level)` is the line printed."""
    log(f"== {name}: {command.line}")
    result: dict = {"command": command.line, "port": port, "levels": {}, "stopped": True,
                    "port_free_after": True, "pgids": []}
    for n in counts:
        running = Server(command, port, cwd, f"bench {name}", reader_env())
        level: dict = {}
        try:
            with running, RssSampler(running.proc.pid) as rss:
                level = asyncio.run(load(n))
                rss.sample()
            level["peak_rss_mib"] = round(rss.peak_kib / 1024, 1)
            log(f"   {n}: {summary(level)}")
        except Exception as exc:  # noqa: BLE001  record it, go on
            result["error"] = f"{n}: {type(exc).__name__}: {exc}"[:2000]
            log(f"   FAILED: {result['error']}")
        after = stopped(running)
        level.update(after)
        result["levels"][str(n)] = level
        result["stopped"] = result["stopped"] and after["stopped"]
        result["port_free_after"] = result["port_free_after"] and after["port_free_after"]
        result["pgids"].append(after["pgid"])
    return result
