"""The benchmark's smoke mode: every server starts, answers under load, stops.

`python -m bench --smoke` runs each production server of the Compare page,
every variant and reference server of the registry and the slow-request
servers, each loaded for a fraction of a second (several at once), and writes
its JSON to a temporary file (never to bench/results.json). The numbers are
not checked, only that there are numbers: every target answered, without
errors, on the configuration its command names (its workers, its event loop
and HTTP parser), and no server outlived the run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from guide import registry
from guide.paths import ROOT
from guide.processes import group_alive, port_is_free, port_lock, port_owner
from guide.walkthroughs import ports

FRAMEWORKS = set(registry.frameworks())


@pytest.mark.server
@pytest.mark.deep
@pytest.mark.timeout(300)
def test_smoke_run_measures_every_server_and_stops_them(tmp_path: Path) -> None:
    assert shutil.which("wrk"), "wrk is not installed: `make wrk` installs Debian's package"
    out = tmp_path / "smoke.json"
    results_before = (ROOT / "bench" / "results.json").read_bytes() if (ROOT / "bench" / "results.json").exists() else None
    # The benchmark takes each port's lock in its own process, and cannot ask
    # this one to stop a server it keeps for other tests (guide.live): taking
    # each lock here first does (KEEPERS), and waits for any other holder.
    for port in ports() | registry.benchmark_ports():
        port_lock(port).close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )
    try:
        output, _ = proc.communicate(timeout=280)
    except BaseException:
        # SIGTERM: the benchmark stops each server's process group on its way out.
        proc.terminate()
        try:
            proc.communicate(timeout=30)
        finally:
            proc.kill()
        raise
    assert proc.returncode == 0, f"python -m bench --smoke exited {proc.returncode}:\n{output}"
    results = json.loads(out.read_text())

    assert results["mode"] == "smoke"
    assert set(results["frameworks"]) == FRAMEWORKS
    measured = {
        **results["frameworks"], **results["variants"],
        **{k: v for k, v in results["references"].items() if "port" in v},
    }
    # Every target of the registry ran: each variant (the documented production
    # rows among them) and each reference point (Node too: the suite installs it).
    assert set(results["variants"]) == set(registry.variants())
    assert set(registry.references()) <= set(measured), set(registry.references()) - set(measured)
    for name, server in measured.items():
        assert "error" not in server, f"{name}: {server['error']}"
        assert server["endpoints"], name
        for path, run in server["endpoints"].items():
            assert run["requests_per_s_median"] > 0, f"{name} GET {path}: no requests/s"
            assert run["errors"] == 0 and run["timeouts"] == 0, f"{name} GET {path}: {run}"
            # A fraction of a second of load per server keeps the smoke run short.
            assert all(sample["seconds"] < 1 for sample in run["samples"]), f"{name} GET {path}: {run['samples']}"
        assert server["cold_start_s"] > 0 and server["peak_rss_mib"] > 0, name
        check_configuration(name, server)
    tornado = results["slow_requests"]["tornado"]
    for n, level in tornado["levels"].items():
        assert level["all_completed"], f"Tornado, {n} slow requests: {level}"
    assert results["slow_requests"]["gunicorn_sync_flask"]["levels"], "no sync-worker contrast"
    ws = results["websockets"]["tornado"]["levels"]
    assert ws, "no WebSocket levels"
    for n, level in ws.items():
        assert level["all_echoed"] and level["peak_open"] == int(n), f"Tornado, {n} WebSockets: {level}"

    # Every server was stopped with its whole process group: no process of
    # any group is left, and each port is free (checked under the harness's
    # port lock, so a test beside this one serving on the same port is not
    # taken for a leftover).
    assert results["all_stopped"]
    for pgid in results["pgids"]:
        assert not group_alive(pgid), f"process group {pgid} is still alive"
    for port in results["ports"]:
        lock = port_lock(port)
        try:
            assert port_is_free(port), f"port {port} still answers: {port_owner(port)}"
        finally:
            lock.close()
    # Smoke mode never touches the committed results.
    after = (ROOT / "bench" / "results.json").read_bytes() if (ROOT / "bench" / "results.json").exists() else None
    assert after == results_before


def check_configuration(name: str, server: dict) -> None:
    """The server ran as its command says: uvicorn on the event loop and HTTP
    parser the command names (uvloop and httptools are compiled modules, seen
    loaded in its memory, or absent), `fastapi run` on uvloop and httptools as
    the Performance page says, and a command with several workers has them
    all (its group: one manager process and the workers)."""
    words = server["command"].split()
    named = dict(zip(words, words[1:]))
    if "--loop" in named:
        assert server["loaded"]["uvloop"] is (named["--loop"] == "uvloop"), (name, server["loaded"])
    if "--http" in named:
        assert server["loaded"]["httptools"] is (named["--http"] == "httptools"), (name, server["loaded"])
    if "--workers" in named:
        assert server["processes"] >= int(named["--workers"]) + 1, (name, server["processes"])
    if words[:2] == ["fastapi", "run"]:  # FastAPI's documented command: uvicorn as fastapi[standard] installs it
        assert server["loaded"] == {"uvloop": True, "httptools": True}, (name, server["loaded"])
    if name == "tornado_processes":
        assert server["processes"] == os.cpu_count() + 1, (name, server["processes"])
