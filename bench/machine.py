"""The machine probe: CPU, memory, load and the versions of everything measured,
recorded beside the figures so a reader can judge them."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import resource
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from guide import registry

SERVERS = ["uvicorn", "h11", "httptools", "uvloop", "gunicorn", "waitress"]
"""Servers and their parsers, whose versions shape the figures as much as the frameworks'."""


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


def others_busy(processes: list[str]) -> list[str]:
    """Of `busy_processes()`'s lines, the processes other than the benchmark's
    own that used 5% of a CPU or more: other work that competes with the run."""
    return [p for p in processes if "bench" not in p and float(p.split()[0]) >= 5.0]


def machine() -> dict:
    """What the run ran on, and how busy it was when it started."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.MULTILINE)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    load = loadavg()
    others = others_busy(busy_processes(8))
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
        "loadavg_at_start": load,
        "busiest_processes_at_start": busy_processes(),
        "somaxconn": int(Path("/proc/sys/net/core/somaxconn").read_text()),
    }


def version_of(command: list[str]) -> str:
    """The first line a program prints about its version, or "not available"."""
    with contextlib.suppress(OSError, subprocess.SubprocessError, IndexError):
        proc = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
        return (proc.stdout + proc.stderr).strip().splitlines()[0]
    return "not available"


def packages() -> list[str]:
    """Every distribution whose version the results record: the registry's
    frameworks and their related packages, then the servers."""
    names = [d for fw in registry.frameworks().values() for d in (fw.dist, *fw.related)]
    return list(dict.fromkeys(names + SERVERS))


def software(wrk: str) -> dict:
    found = {}
    for name in packages():
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return {
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "packages": found,
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
        "the benchmark needs wrk, the HTTP load generator, and could not install it.\n"
        "Install it with: sudo apt-get install -y wrk   (Debian/Ubuntu), then run again."
    )


def raise_nofile() -> dict:
    """Thousands of simultaneous connections need as many file descriptors, in
    this client and in the servers it starts (they inherit the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return {"before": soft, "after": resource.getrlimit(resource.RLIMIT_NOFILE)[0], "hard": hard}
