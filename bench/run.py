"""Benchmark the Compare page's seven production servers, with reference points.

    python bench/run.py           full run (about 6 minutes), writes bench/results.json
    python bench/run.py --smoke   a few seconds per server, writes a temp file
    python bench/run.py --smoke --out FILE

For each framework, the Items API's `prod` serve step from
snippets/compare/walkthroughs.yml is started as a reader starts it (one
worker process: the commands there start one), in a copy of its folder, through
tests/harness.Server: its own process group, a port lock, stopped by its group
whatever happens. Then wrk (Debian's `wrk`) loads GET /items and GET /items/1
(the "hello": the snippets have no plainer endpoint) at a fixed concurrency:
a warm-up run, then several timed runs. Recorded: requests/s (median and
spread), latency p50/p99 (wrk --latency), socket errors, timeouts and non-2xx
answers, the cold start (process start to the first 200), and the peak RSS
of the server's process group (summed from /proc, sampled every 0.25 s).

Reference points in the same run: a bare ASGI app on uvicorn
(bench/bare_asgi.py), Node's http module (bench/node_http.js), Go if `go`
exists. Then slow requests: 1000 and 5000 simultaneous GETs that each wait one
second, against one Tornado process (asyncio.sleep) and one sync gunicorn
worker (Flask, time.sleep), from an asyncio client on raw streams, each level
bounded by a timeout. Then 1000 and 5000 simultaneous WebSocket connections to
a Tornado echo handler (/ws of bench/slow_tornado.py), each sending one message
and reading its echo, from the `websockets` client, bounded by a timeout.

Extra rows ("variants"): Django's Compare app under uvicorn through Django's
ASGI handler (bench/django_asgi.py), and Flask's under one gunicorn gthread
worker with 4 threads.

Only loopback traffic; every load is bounded in time and in count.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "tests"))

import harness

RESULTS = BENCH / "results.json"
ENDPOINTS = ("/items", "/items/1")
EXPECTED = {
    "/items": [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}],
    "/items/1": {"id": 1, "name": "Hammer"},
}
PORTS = {
    "bare_asgi_uvicorn": 8011, "node_http": 8012, "slow_tornado": 8013, "slow_gunicorn_sync": 8014,
    "fastapi_hello": 8015, "django_uvicorn": 8016, "flask_gunicorn_gthread": 8017,
}

VARIANTS = {
    # Other production servers people deploy these frameworks with, measured
    # like the Compare page's own command and shown as extra rows.
    "django_uvicorn": {
        "framework": "django",
        "label": "Django under uvicorn (ASGI, bench/django_asgi.py)",
        "command": f"uvicorn django_asgi:application --port {PORTS['django_uvicorn']}",
        "extra_files": ["django_asgi.py"],
        "output": ("Uvicorn running on",),
    },
    "flask_gunicorn_gthread": {
        "framework": "flask",
        "label": "Flask under gunicorn, one gthread worker with 4 threads",
        "command": (f"gunicorn --worker-class gthread --threads 4 --workers 1 "
                    f"--bind 127.0.0.1:{PORTS['flask_gunicorn_gthread']} app:app"),
        "extra_files": [],
        "output": (f"Listening at: http://127.0.0.1:{PORTS['flask_gunicorn_gthread']}",),
    },
}

FULL = {
    "concurrency": 50,
    "wrk_threads": 1,
    "warmup_s": 2,
    "duration_s": 4,
    "repetitions": 3,
    "endpoints": list(ENDPOINTS),
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

PACKAGES = [
    "django", "flask", "fastapi", "starlette", "pydantic", "uvicorn", "pyramid", "waitress",
    "bottle", "cherrypy", "cheroot", "tornado", "gunicorn", "h11", "httptools", "uvloop",
]


# --------------------------------------------------------------------------
# The machine and the software
# --------------------------------------------------------------------------


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def busy_processes(limit: int = 5) -> list[str]:
    """The command lines of the few processes using the most CPU right now."""
    with contextlib.suppress(Exception):
        out = subprocess.run(
            ["ps", "-eo", "pcpu,args", "--sort=-pcpu", "--no-headers"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout
        return [line.strip()[:160] for line in out.splitlines()[:limit]]
    return []


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.MULTILINE)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    load = loadavg()
    others = [p for p in busy_processes(8) if "bench/run.py" not in p and float(p.split()[0]) >= 5.0]
    return {
        "load_note": (
            f"load average {load[0]} / {load[1]} / {load[2]} (1/5/15 min) on {os.cpu_count()} cores at the start; "
            + ("other processes using CPU at the start: " + "; ".join(others) if others
               else "no other process at 5% CPU or more at the start (ps %CPU: CPU time over its lifetime)")
        ),
        "cpu_model": model.group(1) if model else platform.processor(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(int(mem.group(1)) / 2**20, 2) if mem else None,
        "kernel": platform.release(),
        "os": platform.platform(),
        "loadavg_at_start": loadavg(),
        "busiest_processes_at_start": busy_processes(),
        "somaxconn": int(Path("/proc/sys/net/core/somaxconn").read_text()),
    }


def version_of(command: list[str]) -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        proc = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
        return (proc.stdout + proc.stderr).strip().splitlines()[0]
    return "not available"


def software(wrk: str) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "not installed"
    return {
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "packages": packages,
        "node": version_of(["node", "--version"]),
        "wrk": version_of([wrk, "-v"]),
        "go": version_of(["go", "version"]) if shutil.which("go") else "not available",
    }


def find_wrk() -> str:
    """The wrk binary; installed from Debian's package if missing and we may."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if apt and sudo is not None:
        print("wrk not found: installing Debian's package wrk", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*sudo, apt, "install", "-y", "-qq", "wrk"], env=env, timeout=300, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit(
        "bench/run.py needs wrk, the HTTP load generator, and could not install it.\n"
        "Install it with: sudo apt-get install -y wrk   (Debian/Ubuntu), then run again."
    )


# --------------------------------------------------------------------------
# A server, its memory, its first answer
# --------------------------------------------------------------------------


class RssSampler:
    """Peak resident memory of a process group, summed over its processes."""

    def __init__(self, pgid: int, every: float = 0.25) -> None:
        self.pgid, self.every = pgid, every
        self.peak_kib = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        total, count = 0, 0
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                stat = (proc / "stat").read_text()
                # fields after the parenthesised command: state ppid pgrp ...
                pgrp = int(stat.rsplit(")", 1)[1].split()[2])
                if pgrp != self.pgid:
                    continue
                status = (proc / "status").read_text()
            except (OSError, ValueError, IndexError):
                continue
            m = re.search(r"^VmRSS:\s*(\d+) kB", status, re.MULTILINE)
            if m:
                total += int(m.group(1))
                count += 1
        if total > self.peak_kib:
            self.peak_kib, self.peak_processes = total, count

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


# --------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(f"unknown latency {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(out: str) -> dict:
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    total = re.search(r"(\d+) requests in ([\d.]+\w+)", out)
    if not rps or not total:
        raise ValueError(f"could not read wrk's output:\n{out}")
    latency = {p: _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", out, re.MULTILINE)}
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    connect, read, write, timeout = (int(x) for x in sock.groups()) if sock else (0, 0, 0, 0)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_s": float(rps.group(1)),
        "requests": int(total.group(1)),
        "latency_p50_ms": latency.get("50"),
        "latency_p99_ms": latency.get("99"),
        "errors": {
            "connect": connect, "read": read, "write": write,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        },
        "timeouts": timeout,
    }


def wrk_run(wrk: str, url: str, method: dict, duration: int) -> dict:
    command = [
        wrk, f"-t{method['wrk_threads']}", f"-c{method['concurrency']}", f"-d{duration}s",
        f"--timeout={method['wrk_timeout_s']}s", "--latency", url,
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"`{' '.join(command)}` exited {proc.returncode}:\n{proc.stderr}")
    return parse_wrk(proc.stdout)


def summarise(samples: list[dict]) -> dict:
    rps = [s["requests_per_s"] for s in samples]
    errors = sum(sum(s["errors"].values()) for s in samples)
    return {
        "requests_per_s_median": statistics.median(rps),
        "requests_per_s_min": min(rps),
        "requests_per_s_max": max(rps),
        "requests_per_s_stdev": statistics.stdev(rps) if len(rps) > 1 else 0.0,
        "latency_p50_ms_median": statistics.median(s["latency_p50_ms"] for s in samples),
        "latency_p99_ms_median": statistics.median(s["latency_p99_ms"] for s in samples),
        "latency_p99_ms_max": max(s["latency_p99_ms"] for s in samples),
        "errors": errors,
        "timeouts": sum(s["timeouts"] for s in samples),
        "samples": samples,
    }


def stopped_check(server: harness.Server, port: int) -> dict:
    """Whether the server's process group is gone and its port free. The port
    is checked under the harness's port lock, so a test run beside this one
    that starts its own server on the same port is not mistaken for ours."""
    pgid = server.proc.pid if hasattr(server, "proc") else None
    lock = harness.port_lock(port)
    try:
        free = harness.port_is_free(port)
    finally:
        lock.close()
    return {
        "pgid": pgid,
        "stopped": pgid is None or not harness._group_alive(pgid),
        "port_free_after": free,
    }


def bench_server(
    name: str, command: str, port: int, cwd: Path, output: tuple[str, ...], wrk: str, method: dict
) -> dict:
    """Start one server, time its cold start, load it, stop it by its group."""
    print(f"== {name}: {command}", flush=True)
    env = harness.reader_env()
    env.pop("COVERAGE_PROCESS_CONFIG", None)  # measure the server, not coverage
    result: dict = {"command": command, "port": port, "hello_endpoint": "/items/1"}
    cmd = harness.Command(command, output=output)
    t0 = time.monotonic()
    server = harness.Server(cmd, port, cwd, f"bench {name}", env)
    try:
        with server:
            ready = first_200(port, "/items/1", t0 + harness.START_TIMEOUT)
            result["cold_start_s"] = round(ready - t0, 3)
            result["pid"] = server.proc.pid
            for path in method["endpoints"]:
                status, body = get(port, path)
                if status != 200 or json.loads(body) != EXPECTED[path]:
                    raise AssertionError(f"{name}: GET {path} gave {status} {body[:200]!r}")
            with RssSampler(server.proc.pid) as rss:
                rss.sample()
                result["rss_after_start_mib"] = round(rss.peak_kib / 1024, 1)
                result["endpoints"] = {}
                for path in method["endpoints"]:
                    url = f"http://127.0.0.1:{port}{path}"
                    if method["warmup_s"]:
                        wrk_run(wrk, url, method, method["warmup_s"])
                    samples = [
                        wrk_run(wrk, url, method, method["duration_s"])
                        for _ in range(method["repetitions"])
                    ]
                    result["endpoints"][path] = summarise(samples)
                    s = result["endpoints"][path]
                    print(
                        f"   GET {path}: {s['requests_per_s_median']:.0f} req/s "
                        f"(min {s['requests_per_s_min']:.0f}, max {s['requests_per_s_max']:.0f}), "
                        f"p50 {s['latency_p50_ms_median']:.2f} ms, p99 {s['latency_p99_ms_median']:.2f} ms, "
                        f"errors {s['errors']}, timeouts {s['timeouts']}",
                        flush=True,
                    )
                rss.sample()
            result["peak_rss_mib"] = round(rss.peak_kib / 1024, 1)
            result["processes"] = rss.peak_processes
    except Exception as exc:  # record it, go on with the next server
        result["error"] = f"{type(exc).__name__}: {exc}"[:2000]
        print(f"   FAILED: {result['error']}", flush=True)
    result.update(stopped_check(server, port))
    print(f"   cold start {result.get('cold_start_s')} s, peak RSS {result.get('peak_rss_mib')} MiB, "
          f"stopped {result['stopped']}", flush=True)
    return result


# --------------------------------------------------------------------------
# Slow requests: many connections held at once
# --------------------------------------------------------------------------


async def slow_load(port: int, n: int, timeout: float) -> dict:
    """`n` simultaneous GET /slow on raw asyncio streams, all bounded by `timeout`."""
    request = f"GET /slow HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    done_at: list[float] = []
    errors: dict[str, int] = {}
    start = time.monotonic()

    async def one() -> None:
        writer = None
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            await writer.drain()
            head = await reader.readline()
            await reader.read()  # until the server closes
            if head.split()[1:2] == [b"200"]:
                done_at.append(time.monotonic() - start)
            else:
                errors[f"status {head[:40]!r}"] = errors.get(f"status {head[:40]!r}", 0) + 1
        except OSError as exc:
            key = type(exc).__name__
            errors[key] = errors.get(key, 0) + 1
        finally:
            if writer is not None:
                writer.close()

    tasks = [asyncio.ensure_future(one()) for _ in range(n)]
    _finished, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    wall = time.monotonic() - start
    done_at.sort()
    return {
        "connections": n,
        "timeout_s": timeout,
        "completed": len(done_at),
        "unfinished_at_timeout": len(pending),
        "errors": errors,
        "all_completed": len(done_at) == n,
        "seconds_to_last_completion": round(done_at[-1], 3) if done_at else None,
        "latency_s": {
            "min": round(done_at[0], 3) if done_at else None,
            "p50": round(done_at[len(done_at) // 2], 3) if done_at else None,
            "p99": round(done_at[min(len(done_at) - 1, int(len(done_at) * 0.99))], 3) if done_at else None,
            "max": round(done_at[-1], 3) if done_at else None,
        },
        "wall_s": round(wall, 3),
    }


def bench_levels(title: str, unit: str, name: str, command: str, port: int, levels, load, summary) -> dict:
    """Run `load(n)` for each level `n` against a fresh server (a sync worker
    would otherwise still be working through what the last level gave up on),
    sampling the server's memory; `summary(level)` is the line printed."""
    print(f"== {title}, {name}: {command}", flush=True)
    env = harness.reader_env()
    env.pop("COVERAGE_PROCESS_CONFIG", None)
    result: dict = {"command": command, "port": port, "levels": {}, "stopped": True, "port_free_after": True}
    for n in levels:
        server = harness.Server(
            harness.Command(command, output=("Listening",)), port, BENCH, f"bench {name}", env
        )
        level: dict = {}
        try:
            with server, RssSampler(server.proc.pid) as rss:
                level = asyncio.run(load(n))
                rss.sample()
            level["peak_rss_mib"] = round(rss.peak_kib / 1024, 1)
            print(f"   {n} {unit}: {summary(level)}", flush=True)
        except Exception as exc:  # noqa: BLE001  record it, go on
            result["error"] = f"{n} {unit}: {type(exc).__name__}: {exc}"[:2000]
            print(f"   FAILED: {result['error']}", flush=True)
        stopped = stopped_check(server, port)
        level.update(stopped)
        result["levels"][str(n)] = level
        result["stopped"] = result["stopped"] and stopped["stopped"]
        result["port_free_after"] = result["port_free_after"] and stopped["port_free_after"]
        result.setdefault("pgids", []).append(stopped["pgid"])
    return result


def bench_slow(name: str, command: str, port: int, method: dict) -> dict:
    """Simultaneous slow requests, each level against a fresh server."""
    return bench_levels(
        "slow requests", "connections", name, command, port, method["slow_levels"],
        lambda n: slow_load(port, n, method["slow_timeout_s"]),
        lambda level: (
            f"{level['completed']} completed, last after {level['seconds_to_last_completion']} s, "
            f"{level['unfinished_at_timeout']} unfinished at {level['timeout_s']} s, "
            f"errors {level['errors']}, peak RSS {level['peak_rss_mib']} MiB"
        ),
    )


async def ws_load(port: int, n: int, timeout: float) -> dict:
    """`n` simultaneous WebSocket connections to /ws: each connects, sends one
    message, reads its echo, then stays open until every other connection has
    echoed or failed (so all `n` are open at once), all bounded by `timeout`."""
    from websockets.asyncio.client import connect

    url = f"ws://127.0.0.1:{port}/ws"
    echoed_at: list[float] = []
    errors: dict[str, int] = {}
    open_now = peak_open = 0
    settled = 0
    all_settled = asyncio.Event()
    start = time.monotonic()

    def settle() -> None:
        nonlocal settled
        settled += 1
        if settled == n:
            all_settled.set()

    async def one(i: int) -> None:
        nonlocal open_now, peak_open
        counted = False
        try:
            async with connect(url, open_timeout=None, ping_interval=None, close_timeout=2) as ws:
                open_now += 1
                peak_open = max(peak_open, open_now)
                message = f"hello {i}"
                await ws.send(message)
                reply = await ws.recv()
                if reply == message:
                    echoed_at.append(time.monotonic() - start)
                else:
                    errors["wrong echo"] = errors.get("wrong echo", 0) + 1
                settle()
                counted = True
                await all_settled.wait()
                open_now -= 1
        except Exception as exc:  # noqa: BLE001  counted by kind
            key = type(exc).__name__
            errors[key] = errors.get(key, 0) + 1
            if not counted:
                settle()

    tasks = [asyncio.ensure_future(one(i)) for i in range(n)]
    _finished, pending = await asyncio.wait(tasks, timeout=timeout)
    all_settled.set()
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    wall = time.monotonic() - start
    echoed_at.sort()
    return {
        "connections": n,
        "timeout_s": timeout,
        "echoed": len(echoed_at),
        "all_echoed": len(echoed_at) == n,
        "peak_open": peak_open,
        "unfinished_at_timeout": len(pending),
        "errors": errors,
        "seconds_to_last_echo": round(echoed_at[-1], 3) if echoed_at else None,
        "wall_s": round(wall, 3),
    }


def bench_ws(name: str, command: str, port: int, method: dict) -> dict:
    """Each WebSocket level against a fresh Tornado process."""
    return bench_levels(
        "WebSockets", "WebSockets", name, command, port, method["ws_levels"],
        lambda n: ws_load(port, n, method["ws_timeout_s"]),
        lambda level: (
            f"{level['echoed']} echoed, {level['peak_open']} open at once, "
            f"last echo after {level['seconds_to_last_echo']} s, errors {level['errors']}, "
            f"peak RSS {level['peak_rss_mib']} MiB"
        ),
    )


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def raise_nofile() -> dict:
    """Thousands of simultaneous connections need as many file descriptors, in
    this client and in the servers it starts (they inherit the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return {"before": soft, "after": resource.getrlimit(resource.RLIMIT_NOFILE)[0], "hard": hard}


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def ratios(results: dict) -> dict:
    def rps(group: str, name: str, path: str = "/items/1") -> float | None:
        with contextlib.suppress(KeyError, TypeError):
            return results[group][name]["endpoints"][path]["requests_per_s_median"]
        return None

    out: dict = {}
    for path in ENDPOINTS:
        out[f"fastapi_vs_node_http_rps {path}"] = ratio(rps("frameworks", "fastapi", path),
                                                       rps("references", "node_http", path))
        out[f"fastapi_hello_async_vs_node_http_rps {path}"] = ratio(
            rps("references", "fastapi_hello_async", path), rps("references", "node_http", path))
        out[f"fastapi_vs_bare_asgi_rps {path}"] = ratio(rps("frameworks", "fastapi", path),
                                                       rps("references", "bare_asgi_uvicorn", path))
    slow = results.get("slow_requests", {})
    for n in results["method"]["slow_levels"]:
        with contextlib.suppress(KeyError, TypeError):
            t = slow["tornado"]["levels"][str(n)]
            g = slow["gunicorn_sync_flask"]["levels"][str(n)]
            out[f"slow_{n}_completed tornado/gunicorn_sync"] = f"{t['completed']}/{g['completed']}"
            out[f"slow_{n}_completed_ratio tornado_vs_gunicorn_sync"] = ratio(t["completed"], g["completed"])
    return {k: v for k, v in out.items() if v is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a few seconds per server; never writes bench/results.json")
    parser.add_argument("--out", type=Path, help="where to write the JSON")
    parser.add_argument("--only", nargs="*", help="only these frameworks (by name)")
    args = parser.parse_args(argv)

    method = dict(SMOKE if args.smoke else FULL)
    out = args.out or (Path(tempfile.gettempdir()) / f"bench-smoke-{os.getpid()}.json" if args.smoke else RESULTS)
    if args.smoke and out.resolve() == RESULTS.resolve():
        raise SystemExit("--smoke never writes bench/results.json; pass another --out")

    wrk = find_wrk()
    nofile = raise_nofile()
    started = time.monotonic()
    results: dict = {
        "mode": "smoke" if args.smoke else "full",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "software": software(wrk),
        "method": {
            **method,
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
            "websockets": "N simultaneous WebSocket connections to /ws of bench/slow_tornado.py (an echo "
                          "handler), client `websockets` on asyncio in one process: each connects, sends one "
                          "message, reads the echo and stays open until all have echoed or failed",
            "variants": "extra rows: Django's Compare app under uvicorn through Django's ASGI handler "
                        "(bench/django_asgi.py), and Flask's under one gunicorn gthread worker with 4 threads",
            "rlimit_nofile": nofile,
            "machine_shared": "wrk, the server and this script share the machine's cores",
        },
        "frameworks": {},
        "variants": {},
        "references": {},
        "slow_requests": {},
        "websockets": {},
    }

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for w in harness.walkthroughs("compare"):
            if args.only and w.name not in args.only:
                continue
            step = w.step("prod")
            home = Path(tmp) / w.name
            shutil.copytree(w.source, home)
            results["frameworks"][w.name] = bench_server(
                w.name, step.serve.line, step.port, home, step.serve.output, wrk, method
            )
        compare = {w.name: w for w in harness.walkthroughs("compare")}
        for key, variant in VARIANTS.items():
            if args.only and key not in args.only and variant["framework"] not in args.only:
                continue
            home = Path(tmp) / key
            shutil.copytree(compare[variant["framework"]].source, home)
            for extra in variant["extra_files"]:
                shutil.copy(BENCH / extra, home / extra)
            result = bench_server(
                variant["label"], variant["command"], PORTS[key], home, variant["output"], wrk, method
            )
            results["variants"][key] = {"framework": variant["framework"], "label": variant["label"], **result}
        if not args.only or "references" in args.only:
            results["references"]["bare_asgi_uvicorn"] = bench_server(
                "bare ASGI on uvicorn", f"uvicorn bare_asgi:app --port {PORTS['bare_asgi_uvicorn']}",
                PORTS["bare_asgi_uvicorn"], BENCH, ("Uvicorn running on",), wrk, method,
            )
            if not args.smoke:
                # The same FastAPI app without uvicorn's per-request access log line,
                # to show what the page's plain command pays for it.
                fastapi = next(w for w in harness.walkthroughs("compare") if w.name == "fastapi")
                home = Path(tmp) / "fastapi-no-access-log"
                shutil.copytree(fastapi.source, home)
                results["references"]["fastapi_no_access_log"] = bench_server(
                    "FastAPI, uvicorn --no-access-log", "uvicorn app:app --port 8003 --no-access-log",
                    8003, home, ("Uvicorn running on",), wrk, method,
                )
                results["references"]["fastapi_hello_async"] = bench_server(
                    "minimal FastAPI, async def, on uvicorn",
                    f"uvicorn fastapi_hello:app --port {PORTS['fastapi_hello']}",
                    PORTS["fastapi_hello"], BENCH, ("Uvicorn running on",), wrk, method,
                )
            if shutil.which("node"):
                results["references"]["node_http"] = bench_server(
                    "Node http", f"node node_http.js {PORTS['node_http']}",
                    PORTS["node_http"], BENCH, ("Listening on",), wrk, method,
                )
            else:
                results["references"]["node_http"] = {"available": False, "note": "node not available"}
            results["references"]["go"] = (
                {"available": False, "note": "not available: no `go` on this machine"}
                if not shutil.which("go")
                else {"available": True, "note": "go exists but no Go reference server is written yet"}
            )
        if not args.only or "slow" in args.only:
            results["slow_requests"]["tornado"] = bench_slow(
                "Tornado, asyncio.sleep(1)", f"python slow_tornado.py {PORTS['slow_tornado']}",
                PORTS["slow_tornado"], method,
            )
            results["slow_requests"]["gunicorn_sync_flask"] = bench_slow(
                "gunicorn sync worker, Flask, time.sleep(1)",
                f"gunicorn --workers 1 --backlog 4096 --bind 127.0.0.1:{PORTS['slow_gunicorn_sync']} slow_flask:app",
                PORTS["slow_gunicorn_sync"], method,
            )
            results["websockets"]["tornado"] = bench_ws(
                "Tornado, WebSocket echo", f"python slow_tornado.py {PORTS['slow_tornado']}",
                PORTS["slow_tornado"], method,
            )

    results["machine"]["loadavg_at_end"] = loadavg()
    results["ratios"] = ratios(results)
    servers = [
        *results["frameworks"].values(), *results["variants"].values(), *results["references"].values(),
        *results["slow_requests"].values(), *results["websockets"].values(),
    ]
    ports = [s["port"] for s in servers if "port" in s]
    results["ports"] = ports
    results["all_stopped"] = all(s.get("stopped", True) and s.get("port_free_after", True) for s in servers)
    results["pgids"] = [p for s in servers for p in [s.get("pgid"), *s.get("pgids", [])] if p]
    results["failures"] = {
        name: s["error"]
        for group in ("frameworks", "variants", "references", "slow_requests", "websockets")
        for name, s in results[group].items()
        if "error" in s
    }
    results["total_seconds"] = round(time.monotonic() - started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out} in {results['total_seconds']} s; ratios: {json.dumps(results['ratios'], indent=2)}")
    return 1 if results["failures"] or not results["all_stopped"] else 0


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    # Ctrl-C or SIGTERM: the servers' `with` blocks stop their groups on the way out,
    # and harness.kill_all catches any left.
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        sys.exit(main())
    finally:
        harness.kill_all()
