"""Real processes on real ports: starting a server as the page's command
starts it, waiting until it serves, and stopping it (and everything it
started) whatever happens.

Each server runs in its own process group and is stopped the way a reader
stops it (Ctrl-C), then by force. Pages share ports (FastAPI's and Django's
examples both use 8000), so a server holds a machine-wide lock on its port
while it runs, and a port that something else holds is reported with the
name of the process to stop.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import fcntl
import ipaddress
import json
import os
import shlex
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from guide.paths import ABSENT
from guide.walkthroughs import Command

START_TIMEOUT = 30.0
"""Seconds a server may take from its command to answering on its port."""


class PortInUse(RuntimeError):
    """The port a page uses is taken; the message names who holds it."""


# --------------------------------------------------------------------------
# A loopback of one's own
# --------------------------------------------------------------------------

CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def own_loopback() -> bool:
    """Move this process into a network namespace of its own, holding only a
    loopback interface, brought up; True if that was allowed.

    Servers started afterwards listen on this process's loopback, not the
    machine's: several test processes (and other jobs on the machine) can use
    the examples' fixed ports at the same time without meeting. It needs the
    right to create namespaces (root, or CAP_SYS_ADMIN); where that is refused,
    the machine-wide port lock (`port_lock`) makes servers take turns instead.
    The port lock's abstract socket lives in the network namespace too, so in a
    namespace of its own it only orders this process's own servers.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, request)[:18])[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))
    network_card()
    return True


def network_card() -> None:
    """Give the namespace a network card (an unplugged virtual one), as a
    reader's machine has: without one, every process sees a different random
    hardware address, and what depends on it (Werkzeug's debugger PIN, which
    the Flask page describes) changes from process to process. Best effort:
    without iproute2's `ip`, the namespace keeps only its loopback."""
    for command in (["ip", "link", "add", "guide0", "type", "veth", "peer", "name", "guide1"],
                    ["ip", "addr", "add", "192.0.2.1/32", "dev", "guide0"],
                    ["ip", "link", "set", "guide0", "up"]):
        with contextlib.suppress(OSError):
            if subprocess.run(command, capture_output=True).returncode:
                return


# --------------------------------------------------------------------------
# Ports
# --------------------------------------------------------------------------


def _sockets(port: int) -> list[tuple[str, str, str]]:
    """(state, local address in /proc's hex, socket inode) of every TCP socket
    whose local port is `port`, from /proc's tables."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                address, _, hex_port = fields[1].rpartition(":")
                if int(hex_port, 16) == port:
                    found.append((fields[3], address, fields[9]))
    return found


def _listening(port: int) -> list[tuple[str, str]]:
    """(local address in /proc's hex, socket inode) of every TCP listener on `port`."""
    return [(address, inode) for state, address, inode in _sockets(port) if state == "0A"]


def open_connections(port: int) -> int:
    """How many connections the server on `port` has not finished with: being
    accepted, open, or closed by the client and not yet by the server (the
    states SYN_RECV, ESTABLISHED and CLOSE_WAIT of /proc's tables)."""
    return sum(state in ("01", "03", "08") for state, _, _ in _sockets(port))


def port_owner(port: int) -> str:
    """Who listens on a loopback TCP port: `pid N (command line)`, from /proc."""
    sockets = {f"socket:[{inode}]" for _, inode in _listening(port)}
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in sockets:
                    cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
                    return f"pid {proc.name} ({cmd})"
    return "a process this user cannot see"


def port_is_free(port: int) -> bool:
    """True if nothing accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) != 0


def listening_addresses(port: int) -> set[str]:
    """The local addresses on which something listens on TCP `port`, from
    /proc/net/tcp and tcp6: `{"127.0.0.1"}` for a server only this machine
    can reach, `"0.0.0.0"` or `"::"` for one on every interface."""
    found = set()
    for address, _ in _listening(port):
        raw = bytes.fromhex(address)
        # the kernel prints each 32-bit word in host (little-endian) order
        raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
        found.add(str(ipaddress.ip_address(raw)))
    return found


def ensure_port_free(port: int) -> None:
    """Raise PortInUse naming the process to stop if `port` is taken."""
    if not port_is_free(port):
        raise PortInUse(
            f"port {port} is already in use by {port_owner(port)}. The guide's examples use the "
            f"ports their pages show; stop that process (kill it or press Ctrl-C in "
            f"its terminal) and run the checks again."
        )


def free_port() -> int:
    """A loopback port nobody is using right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


KEEPERS: list[Callable[[int], None]] = []
"""What keeps servers running in this process between tests (`guide.live`),
each able to stop the one it keeps on a port: when this process asks for a
port it holds itself, waiting would never end."""


def port_lock(port: int, timeout: float = 60.0) -> socket.socket:
    """Wait for, then hold, this machine's lock on a fixed port.

    Two tests, or two test runs, must not start servers on the same port at
    once. The lock is an abstract Unix socket: it needs no file and is
    released when its holder closes it or dies, whatever the cause. A server
    this process keeps on the port is stopped first (`KEEPERS`).
    """
    deadline = time.monotonic() + timeout
    name = f"\0python-web-frameworks-verified:{port}"
    asked = False
    while True:
        lock = socket.socket(socket.AF_UNIX)
        try:
            lock.bind(name)
            return lock
        except OSError:
            lock.close()
            if not asked:
                asked = True
                for free in KEEPERS:
                    free(port)
                continue
            if time.monotonic() > deadline:
                raise PortInUse(f"waited {timeout:.0f}s for another test using port {port}") from None
            time.sleep(0.05)


# --------------------------------------------------------------------------
# The reader's terminal
# --------------------------------------------------------------------------


RUN = "VERIFIED_GUIDE_RUN"
"""An environment variable every process the checks start inherits, naming
the run: whatever is still alive with it once the run is over outlived it."""
SESSION = "VERIFIED_GUIDE_SESSION"
"""The name of the current test run, set by the process that leads it (see
`guide.session`) and given to what it starts as `RUN`."""


def reader_env(measure: Path | None = None, omit: tuple[Path, ...] = ()) -> dict[str, str]:
    """The environment of the reader's terminal: this venv's commands first on
    PATH, unbuffered output as on a terminal, pip kept offline so an install
    command passes only if what it names is already installed, no pytest
    plugin but pytest's own, and the run's name (`RUN`), so nothing it starts
    can outlive the run unnoticed.

    Under coverage, only a terminal given `measure` (a `<tmp>/snippets` tree,
    where the reader's copies are) runs its processes under coverage too, the
    copies mapped back to `snippets/` by `[tool.coverage.paths]`; files in
    `omit` (generated files a snippet only edits) are not measured, since
    their lines are not the snippet's. Any other terminal runs without it: on
    Python 3.11 the tracer slows every line a process runs, not only the
    snippets'.
    """
    env = dict(os.environ)
    if not measure:
        env.pop("COVERAGE_PROCESS_CONFIG", None)
    elif "COVERAGE_PROCESS_CONFIG" in env:
        config = json.loads(base64.b64decode(env["COVERAGE_PROCESS_CONFIG"]))
        config["source"] = [*config["source"], str(measure)]
        config["run_omit"] = [*config["run_omit"], *map(str, omit)]
        env["COVERAGE_PROCESS_CONFIG"] = base64.b64encode(json.dumps(config).encode()).decode()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
        PIP_NO_INDEX="1",
        PIP_CONFIG_FILE=os.devnull,
        PIP_FIND_LINKS="",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        # A reader who installs pytest gets pytest, not this project's plugins
        # for it (hypothesis, schemathesis, xdist, ...), which would otherwise
        # all load into their `pytest` run: seconds each time, and not theirs.
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        # Nor watchdog, which MkDocs brings here: with it, Werkzeug's reloader
        # is not the one a reader of the Flask page gets (guide/absent).
        PYTHONPATH=str(ABSENT),
    )
    env[RUN] = os.environ.get(SESSION) or str(os.getpid())
    return env


# --------------------------------------------------------------------------
# Process groups
# --------------------------------------------------------------------------

_LIVE: set[subprocess.Popen[str]] = set()
"""Servers still running; killed at exit whatever happens."""


def group_alive(pgid: int) -> bool:
    """True while any process of the group `pgid` exists."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def kill_group(proc: subprocess.Popen[str], grace: float = 5.0) -> None:
    """Stop a server's whole process group as a reader would (Ctrl-C), then by
    force; return once the group is gone."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc.poll() is not None and not group_alive(proc.pid):
                _LIVE.discard(proc)
                return
            time.sleep(0.02)
    _LIVE.discard(proc)


def kill_all() -> None:
    """Kill every server this process started and has not stopped yet."""
    for proc in list(_LIVE):
        kill_group(proc, grace=0.5)


def leftovers(run: str | None = None) -> dict[int, str]:
    """Live processes started by a run of the checks (by `run`, or by any):
    pid to command line, read from /proc."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            environ = (proc / "environ").read_bytes().split(b"\0")
            names = {e.partition(b"=")[0]: e.partition(b"=")[2] for e in environ}
            value = names.get(RUN.encode())
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if value is not None and (run is None or value.decode() == run) and state != "Z":
                found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    return found


def kill_leftovers(run: str) -> dict[int, str]:
    """Kill whatever a run left alive (a worker killed mid-test cannot stop its
    servers itself); what was killed."""
    found = leftovers(run)
    for pid in found:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return found


class Server:
    """A server started by the page's command, in its own process group,
    holding the lock on its port while it runs."""

    def __init__(
        self, command: Command, port: int, cwd: Path, context: str, env: dict[str, str] | None = None
    ) -> None:
        self.command, self.port, self.cwd, self.context = command, port, cwd, context
        self.env = env or reader_env()
        self.lines: list[str] = []
        self.last_output = 0.0
        """When the server last printed a line (time.monotonic)."""
        self.base_url = f"http://127.0.0.1:{port}"

    @property
    def output(self) -> str:
        """Everything the server printed so far."""
        return "\n".join(self.lines)

    def __enter__(self) -> Server:
        self.lock = port_lock(self.port)
        try:
            ensure_port_free(self.port)
        except BaseException:
            self.lock.close()
            raise
        self.proc = subprocess.Popen(
            shlex.split(self.command.line),
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        _LIVE.add(self.proc)
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self.last_output = time.monotonic()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                time.sleep(0.2)
                raise AssertionError(
                    f"{self.context}: `{self.command.line}` exited with code "
                    f"{self.proc.returncode} before serving on port {self.port}:\n{self.output}"
                )
            printed = all(text in self.output for text in self.command.output)
            if printed and not port_is_free(self.port):
                return
            time.sleep(0.01)
        missing = [t for t in self.command.output if t not in self.output]
        raise AssertionError(
            f"{self.context}: `{self.command.line}` did not "
            + (f"print {missing}" if missing else f"answer on port {self.port}")
            + f" within {START_TIMEOUT:.0f}s; it printed:\n{self.output}"
        )

    def __exit__(self, *exc: object) -> None:
        try:
            self._settle()
            kill_group(self.proc)
        finally:
            self.lock.close()

    def _settle(self, quiet: float = 0.02, limit: float = 1.0) -> None:
        # A reader presses Ctrl-C after the last page has loaded, not while the
        # server is still writing its log line for it, or still closing the
        # connection a page came over (a client has the whole answer a moment
        # before the server's send returns; on a busy machine that moment is
        # long enough for Ctrl-C to land in gunicorn's sync worker, which then
        # prints a traceback). Wait until the server has written nothing for a
        # moment and has finished with every connection; usually it has long
        # finished.
        deadline = time.monotonic() + limit
        while time.monotonic() < min(deadline, self.last_output + quiet):
            time.sleep(quiet / 4)
        while time.monotonic() < deadline and open_connections(self.port):
            time.sleep(quiet / 4)

    def printed(self, text: str, times: int = 1, timeout: float = 5.0) -> bool:
        """True once the server has printed `text` (at least `times` times);
        False if it has not within `timeout` seconds. Output arrives through a
        pipe, read by another thread, a moment after the server writes it."""
        deadline = time.monotonic() + timeout
        while self.output.count(text) < times:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    @property
    def returncode(self) -> int | None:
        """The exit code once stopped: 0 if it took Ctrl-C as a reader expects."""
        return self.proc.poll()
