"""What does the verification cost, against following the guide once by hand?

Three figures, and their ratio:

- **the bare reader pass**: every walkthrough done once, serially, the least
  work a person would do, without the project's harness: copy the files, type
  the commands (answering prompts), start each server, open each URL once,
  press Ctrl-C. Nothing is compared; a URL that does not answer stops the pass.
- **the strict build**: `mkdocs build --strict`;
- **the verification**: `make test`, warm.

The ratio is `make test / (bare pass + build)`; at or under 1.0 the whole
verification costs no more than doing the guide once by hand.

Each figure also says how many CPU-seconds the machine was busy during it
(run it on an otherwise idle machine). The bare pass does one thing at a
time; `make test` runs on every core. So `make test`'s CPU-seconds divided by
the cores is the least time it could take here however its work were
scheduled: the floor printed beside the ratio.

Usage: `make timings` or `.venv/bin/python scripts/timings.py [--runs N]`.
Not a test: it only reports. Only loopback traffic.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from guide.paths import ABSENT, ROOT
from guide.walkthroughs import LOGIN, Step, Walkthrough, walkthroughs


def busy_cpu_seconds() -> float:
    """CPU-seconds this machine has spent busy since it started (/proc/stat:
    user, nice, system, irq, softirq). Over a run, the difference counts
    every process the run started, Chromium's renderers too, which end as
    orphans no rusage of this process would count, and also anything else
    the machine did meanwhile: run it on an otherwise idle machine."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]
    user, nice, system, _idle, _iowait, irq, softirq = map(int, fields)
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def terminal() -> dict[str, str]:
    """A reader's terminal inside the project's virtual environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE", "PYTEST"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ABSENT)  # no watchdog, as on a reader's machine (guide/absent/watchdog)
    return env


def type_command(line: str, answers: tuple[tuple[str, str], ...], cwd: Path, env: dict[str, str]) -> Path:
    """Type one command; `cd` moves. Prompts are answered as a person would."""
    words = shlex.split(line)
    if words[0] == "cd":
        return (cwd / words[1]).resolve()
    if answers:
        import pexpect

        child = pexpect.spawn(line, cwd=str(cwd), env=env, encoding="utf-8", timeout=60)
        for question, answer in answers:
            child.expect_exact(question.replace(LOGIN, getpass.getuser()))
            child.sendline(answer)
        child.expect(pexpect.EOF)
        child.close()
    else:
        subprocess.run(words, cwd=cwd, env=env, check=True, capture_output=True)
    return cwd


def paste_over(target: Path, snippet: Path) -> None:
    """Replace each top-level assignment the snippet shows, as a person pasting it would."""
    text = target.read_text()
    for block in re.split(r"\n(?=[A-Za-z_]\w* = )", snippet.read_text().strip()):
        name = block.split("=", 1)[0].strip()
        text = re.sub(rf"^{name} = \[.*?^\]", lambda _, pasted=block: pasted, text, count=1, flags=re.M | re.S)
    target.write_text(text)


def wait_for(port: int, log: Path, printed: tuple[str, ...], deadline: float) -> None:
    """Until the server prints what the page says it prints and answers on its
    port: a person reads the terminal before opening the browser. (Waiting on
    the port alone is not enough: CherryPy listens before its engine has
    started, and Ctrl-C in that moment leaves it running.)"""
    while time.monotonic() < deadline:
        if all(text in log.read_text(errors="replace") for text in printed):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
        time.sleep(0.02)
    raise SystemExit(f"nothing answered on port {port}")


def open_url(url: str, step: Step) -> None:
    """Open a URL once, as a browser tab would (a WebSocket: one message)."""
    if url.startswith("ws"):
        from websockets.sync.client import connect

        with connect(url) as ws:
            for message in next(v for v in step.visits if v.url == url).send:
                ws.send(message)
                ws.recv(timeout=10)
        return
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            answer.read()
    except urllib.error.HTTPError as error:  # a 404 the page shows is still an answer
        error.read()


def save(w: Walkthrough, step: Step, home: Path) -> None:
    """Save or paste a step's file, if it has one."""
    if step.copy:
        (home / step.copy).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(w.source / step.copy, home / step.copy)
    if step.edit:
        paste_over(home / step.edit, w.source / step.edit)


def serve(w: Walkthrough, step: Step, home: Path, cwd: Path, env: dict[str, str]) -> None:
    """Start the server, open each URL once, do what the page does beside it, stop it."""
    assert step.serve and step.port
    log = home.parent / f"server-{step.port}.log"
    with log.open("w") as out:
        server = subprocess.Popen(shlex.split(step.serve.line), cwd=cwd, env=env, start_new_session=True,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(step.port, log, step.serve.output, time.monotonic() + 30)
        for visit in step.visits:
            open_url(visit.url, step)
        for beside in w.beside(step):
            for command in beside.commands:
                type_command(command.line, command.answers, cwd, env)
            save(w, beside, home)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:  # counted in the pass's time, and said
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            print(f"NOTE: `{step.serve.line}` ({w.source.relative_to(ROOT)}) did not stop within 10 s "
                  "of Ctrl-C and was killed; it printed last:", *tail, sep="\n    ", flush=True)


def follow(w: Walkthrough, base: Path, env: dict[str, str]) -> tuple[int, int]:
    """Do one walkthrough in `base/<its folder>`; (servers started, URLs opened)."""
    home = base / w.folder
    cwd = base if w.makes_its_folder else home  # its first commands make the folder
    cwd.mkdir(parents=True)
    servers, urls = 0, 0
    for step in w.steps:
        if step.while_serving:
            continue  # done by serve(), while its server runs
        for command in step.commands:
            cwd = type_command(command.line, command.answers, cwd, env)
        save(w, step, home)
        if step.serve:
            serve(w, step, home, cwd, env)
            servers, urls = servers + 1, urls + len(step.visits)
    return servers, urls


def bare_pass() -> tuple[float, float, int, int]:
    """Every walkthrough once; (seconds, CPU-seconds, servers, URLs opened)."""
    env, servers, urls = terminal(), 0, 0
    start, cpu = time.perf_counter(), busy_cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="bare-pass-") as tmp:
        for i, w in enumerate(walkthroughs()):
            s, u = follow(w, Path(tmp) / str(i), env)
            servers, urls = servers + s, urls + u
    return time.perf_counter() - start, busy_cpu_seconds() - cpu, servers, urls


def wall_times(name: str, command: list[str], runs: int) -> tuple[list[float], list[float], list[int]]:
    """Wall times and CPU-seconds of `runs` warm runs (one more first, not
    counted), and their exit codes. A failing run's last lines are printed
    and its whole output kept in test-artifacts/: a time of a run that failed
    is not the time of the verification, and a failure seen once needs its
    whole story."""
    times, cpus, codes = [], [], []
    for i in range(runs + 1):
        start, cpu = time.perf_counter(), busy_cpu_seconds()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if i:
            times.append(time.perf_counter() - start)
            cpus.append(busy_cpu_seconds() - cpu)
            codes.append(result.returncode)
        if result.returncode:
            log = ROOT / "test-artifacts" / f"timings-{name}-run-{i}.log"
            log.parent.mkdir(exist_ok=True)
            log.write_text(result.stdout + result.stderr, encoding="utf-8")
            tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
            print(f"FAILED ({shlex.join(command)}, run {i}; whole output in {log.relative_to(ROOT)}):",
                  *tail, sep="\n    ", flush=True)
    return times, cpus, codes


def report(name: str, times: list[float], cpus: list[float]) -> None:
    print(f"{name:<28} median {statistics.median(times):6.2f} s   "
          f"min {min(times):6.2f} s   max {max(times):6.2f} s   ({len(times)} warm runs; "
          f"median {statistics.median(cpus):.1f} CPU-s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="warm runs of make test and of the build")
    args = parser.parse_args()
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    cores = len(os.sched_getaffinity(0))
    print(f"{cores} cores, Python {sys.version.split()[0]}, load average "
          f"{Path('/proc/loadavg').read_text().split()[:3]}")
    bare, bare_cpu, servers, urls = bare_pass()
    print(f"{'bare reader pass':<28} {bare:13.2f} s   ({servers} servers, {urls} URLs, one run; "
          f"{bare_cpu:.1f} CPU-s)")
    with tempfile.TemporaryDirectory() as out:
        build_command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", out]
        build, build_cpus, build_codes = wall_times("build", build_command, args.runs)
    report("mkdocs build --strict", build, build_cpus)
    test, test_cpus, test_codes = wall_times("make-test", ["make", "test"], args.runs)
    report("make test", test, test_cpus)
    if any(build_codes) or any(test_codes):
        print(f"NOTE: failing runs (exit codes): build {build_codes}, make test {test_codes}")
    by_hand = bare + statistics.median(build)
    verification = statistics.median(test)
    print(f"ratio make test / (bare pass + build) = {verification:.2f} / {by_hand:.2f} = "
          f"{verification / by_hand:.2f}")
    test_cpu = statistics.median(test_cpus)
    floor = test_cpu / cores
    print(f"floor: make test's {test_cpu:.1f} CPU-s on {cores} cores = {floor:.2f} s, "
          f"a ratio of {floor / by_hand:.2f} with every core busy all the time")


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupted)
    # Started in the background (`nohup … &`), a process inherits SIGINT
    # ignored, and so would every server: Ctrl-C would stop none of them, and
    # each would be killed after 10 s. Handled here, it is the default again
    # in every child.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
