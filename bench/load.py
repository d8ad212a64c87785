"""The load generators: wrk for requests per second and latency, and an
asyncio client for many slow requests or WebSockets held open at once. Each
load is bounded in time and in count."""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import signal
import statistics
import subprocess
import time

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
        "seconds": round(_ms(total.group(2)) / 1000, 3),
        "latency_p50_ms": latency.get("50"),
        "latency_p99_ms": latency.get("99"),
        "errors": {
            "connect": connect, "read": read, "write": write,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        },
        "timeouts": timeout,
    }


def wrk_run(wrk: str, url: str, method: dict, duration: float) -> dict:
    """One wrk run of `duration` seconds. wrk counts whole seconds; for a
    fraction of one (the smoke run) it is started for a second and stopped
    with Ctrl-C after `duration`, which it answers with its usual report of
    the time it ran."""
    seconds = max(1, math.ceil(duration))
    command = [
        wrk, f"-t{method['wrk_threads']}", f"-c{method['concurrency']}", f"-d{seconds}s",
        f"--timeout={method['wrk_timeout_s']}s", "--latency", url,
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if duration < seconds:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=duration)
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=seconds + 30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise AssertionError(f"`{' '.join(command)}` exited {proc.returncode}:\n{err}")
    return parse_wrk(out)


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


# --------------------------------------------------------------------------
# Many connections held at once
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
