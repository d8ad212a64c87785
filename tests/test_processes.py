"""The engine's promises about processes (`guide.processes`): a taken port is
named with its owner, and no server outlives a test, whether it passes,
fails, times out or is interrupted."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from guide.processes import (
    KEEPERS,
    PortInUse,
    Server,
    ensure_port_free,
    free_port,
    open_connections,
    port_is_free,
    port_lock,
)
from guide.walkthroughs import Command

# A server that also starts a child process, as reloaders do, and says so.
SERVER = textwrap.dedent(
    """
    import http.server, subprocess, sys
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    print("child", child.pid, flush=True)
    http.server.HTTPServer(("127.0.0.1", {port}), http.server.SimpleHTTPRequestHandler).serve_forever()
    """
)


def server_command(tmp_path: Path, port: int) -> Command:
    """A command that serves on `port` and prints `child <pid>` once started."""
    script = tmp_path / "server.py"
    script.write_text(SERVER.format(port=port))
    return Command(f"python {script}", output=("child",))


def gone(pid: int) -> bool:
    """True once a process no longer exists (or is a zombie nobody waits for)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def test_port_in_use_names_the_process() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(PortInUse) as error:
            ensure_port_free(port)
    message = str(error.value)
    assert f"port {port}" in message and f"pid {os.getpid()}" in message, message


def test_server_and_its_children_stop_when_the_test_fails(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(RuntimeError, match="the test failed"):
        with Server(server_command(tmp_path, port), port, tmp_path, "test") as server:
            child = int(server.output.split()[1])
            raise RuntimeError("the test failed")
    assert port_is_free(port)
    assert gone(server.proc.pid) and gone(child), "a server process outlived its test"


INNER_TEST = textwrap.dedent(
    """
    import time
    from guide.processes import Server
    from guide.walkthroughs import Command

    def test_holds_a_server(tmp_path):
        port = {port}
        script = tmp_path / "server.py"
        script.write_text({server!r}.format(port=port))
        command = Command(f"python {{script}}", output=("child",))
        with Server(command, port, tmp_path, "inner") as server:
            print("READY", server.proc.pid, server.output.split()[1], flush=True)
            time.sleep(60)
    """
)


@pytest.mark.parametrize("how", ["ctrl-c", pytest.param("sigterm", marks=pytest.mark.deep),
                                 pytest.param("timeout", marks=pytest.mark.deep)])
def test_nothing_survives_an_interrupted_run(tmp_path: Path, how: str) -> None:
    """A pytest run stopped by Ctrl-C, by SIGTERM (a cancelled CI job) or by a
    test timeout leaves no server behind."""
    port = free_port()
    (tmp_path / "test_inner.py").write_text(INNER_TEST.format(port=port, server=SERVER))
    tests = Path(__file__).parent
    command = [sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:randomly", "-p", "no:xdist"]
    command += ["-p", "conftest", "--rootdir", str(tmp_path), "--basetemp", str(tmp_path / "t")]
    command += ["--timeout", "3" if how == "timeout" else "60", str(tmp_path / "test_inner.py")]
    env = {**os.environ, "PYTHONPATH": str(tests)}  # the inner run loads this suite's conftest
    env.pop("COVERAGE_PROCESS_CONFIG", None)
    inner = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert inner.stdout
        line = ""
        while "READY" not in line:
            line = inner.stdout.readline()
            assert line or inner.poll() is None, "the inner run ended before its server started"
        _, server_pid, child_pid = line.split()
        if how == "ctrl-c":
            inner.send_signal(signal.SIGINT)
        elif how == "sigterm":
            inner.send_signal(signal.SIGTERM)
        inner.wait(30)
    finally:
        if inner.poll() is None:
            inner.kill()
            inner.wait()
    pids = (int(server_pid), int(child_pid))
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(map(gone, pids)):
            time.sleep(0.05)
        assert all(map(gone, pids)), f"a server outlived a run stopped by {how}"
        assert port_is_free(port)
        assert inner.returncode != 0, f"a run stopped by {how} must not pass"
    finally:  # even when this test fails, what it started does not outlive it
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_port_this_process_keeps_is_given_up_when_it_asks_for_it() -> None:
    """A test that wants a port a server kept running by this same process
    holds (`guide.live`) gets it at once: the keeper is asked to stop that
    server. With no keeper to ask, the same wait ends in PortInUse."""
    port = free_port()
    held = port_lock(port)
    with pytest.raises(PortInUse):
        port_lock(port, timeout=0.2)
    asked: list[int] = []

    def keeper(wanted: int) -> None:
        asked.append(wanted)
        held.close()

    KEEPERS.append(keeper)
    try:
        port_lock(port, timeout=0.2).close()
    finally:
        KEEPERS.remove(keeper)
        held.close()
    assert asked == [port]


def test_a_connection_counts_until_the_server_has_closed_it() -> None:
    """Ctrl-C waits for `open_connections(port)` to reach 0 (see
    `Server._settle`): a connection counts while it is open, and after the
    client closed it, until the server closes its end too."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        assert open_connections(port) == 0
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        assert open_connections(port) == 1
        client.close()
        time.sleep(0.05)
        assert open_connections(port) == 1, "the client's close alone finished the server's connection"
        accepted.close()
        assert open_connections(port) == 0
