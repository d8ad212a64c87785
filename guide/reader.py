"""Following a page as a reader does: an empty folder, the page's files saved
where it says, its commands typed one by one, its servers started with its
commands on its ports, its URLs opened over real HTTP."""

from __future__ import annotations

import ast
import contextlib
import getpass
import io
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from guide.checks import check_visit, check_websocket, where
from guide.clients import http_get
from guide.processes import Server, port_lock, reader_env
from guide.walkthroughs import LOGIN, Command, Step, Visit, Walkthrough

COMMAND_TIMEOUT = 120.0
"""Seconds one typed command may take."""


class Reader:
    """Follows a walkthrough in a fresh temporary folder, as a reader would.

    The reader's terminal is one where a virtual environment is active. Each
    framework page opens with one shared block that creates and activates it
    (`guide.walkthroughs.venv()`; `test_virtual_environment` runs it for real);
    here the test run's own environment, which holds what every page
    installs, stands in for it: `reader_env` puts its commands first on
    PATH, as activating does.

    The folder is `<tmp>/snippets/<page>/<folder>`, mirroring the repo,
    so coverage maps the copied files back to `snippets/`. A walkthrough
    that starts with `mkdir <folder>` (then `cd <folder>`) starts one level
    up and makes that folder itself, with the page's commands. With
    `installs=False` the page's `pip install` lines are skipped (a test that
    only needs the server; `test_as_reader` runs them for every walkthrough).
    """

    def __init__(self, w: Walkthrough, tmp: Path, installs: bool = True) -> None:
        self.w = w
        self.home = tmp / "snippets" / w.page / w.folder
        self.cwd = self.home.parent if w.makes_its_folder else self.home
        self.cwd.mkdir(parents=True)
        self.installs = installs
        edited = tuple(self.home / s.edit for s in w.steps if s.edit)
        # Servers run under coverage (their `__main__` blocks count), and so do
        # commands marked `measure` (the reader's tests); the others need not,
        # and start faster without it.
        self.server_env = reader_env(measure=tmp / "snippets", omit=edited)
        self.env = {k: v for k, v in self.server_env.items() if k != "COVERAGE_PROCESS_CONFIG"}

    def run(self, command: Command, context: str, measured: bool = False) -> str:
        """Type one command. `cd` changes folder; anything else runs in a shell,
        must exit 0 and print each line of its expected output. A `measured`
        command runs under coverage, as servers do."""
        words = shlex.split(command.line)
        if words[0] == "cd":
            self.cwd = (self.cwd / words[1]).resolve()
            return ""
        if not self.installs and words[1:4] == ["-m", "pip", "install"]:
            return ""
        if command.answers:
            output, code = self._interact(command, context)
        else:
            with port_lock(command.port) if command.port else contextlib.nullcontext():
                proc = subprocess.run(
                    words,
                    cwd=self.cwd,
                    env=self.server_env if measured or command.measure else self.env,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    timeout=COMMAND_TIMEOUT,
                    start_new_session=True,
                )
            output, code = proc.stdout + proc.stderr, proc.returncode
        if code != 0:
            raise AssertionError(f"{context}: `{command.line}` exited {code}:\n{output}")
        for text in command.output:
            if text not in output:
                raise AssertionError(
                    f"{context}: `{command.line}` did not print {text!r}; it printed:\n{output}"
                )
        return output

    def _interact(self, command: Command, context: str) -> tuple[str, int]:
        """Answer each prompt, which must be printed exactly as the page shows
        it; return the whole transcript, which must not show a secret answer."""
        import pexpect

        child = pexpect.spawn(
            command.line, cwd=str(self.cwd), env=self.env, encoding="utf-8", timeout=30
        )
        child.logfile_read = transcript = io.StringIO()
        try:
            for question, answer in command.answers:
                prompt = question.replace(LOGIN, getpass.getuser())
                try:
                    child.expect_exact(prompt)
                except (pexpect.TIMEOUT, pexpect.EOF):
                    raise AssertionError(
                        f"{context}: `{command.line}` never printed the prompt {prompt!r} the "
                        f"page shows; it printed:\n{child.before}"
                    ) from None
                child.sendline(answer)
            child.expect(pexpect.EOF)
        finally:
            child.close()
        shown = [secret for secret in command.secret if secret in transcript.getvalue()]
        if shown:
            raise AssertionError(f"{context}: `{command.line}` showed the secret answer {shown[0]!r}")
        return transcript.getvalue(), child.exitstatus or 0

    def copy(self, relative: str) -> None:
        """Save a snippet file where the reader saves it."""
        target = self.home / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.w.source / relative, target)

    def edit(self, relative: str, context: str) -> None:
        """Replace the top-level assignments a snippet shows in a generated file.

        Each name the snippet assigns must already be assigned in the target,
        and must keep every value the generated file had (a reader's edit adds
        to what `startproject` wrote; it does not drop what was there).
        """
        target = self.home / relative
        snippet = (self.w.source / relative).read_text()
        original = target.read_text()
        lines = original.splitlines(keepends=True)
        for node in ast.parse(snippet).body:
            assert isinstance(node, ast.Assign), f"{relative}: only assignments can be edits"
            name = node.targets[0].id  # type: ignore[attr-defined]
            new = ast.get_source_segment(snippet, node)
            old = next(
                (
                    n
                    for n in ast.parse(original).body
                    if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == name
                ),
                None,
            )
            if old is None:
                raise AssertionError(f"{context}: {relative} has no {name} to edit")
            before = ast.literal_eval(old.value)
            after = ast.literal_eval(node.value)
            lost = [v for v in before if v not in after]
            if lost:
                raise AssertionError(f"{context}: the page's {name} drops {lost}")
            start, end = old.lineno - 1, old.end_lineno or old.lineno
            lines[start:end] = [f"{new}\n"]
            original = "".join(lines)
            lines = original.splitlines(keepends=True)
        target.write_text(original)

    @contextlib.contextmanager
    def serve(self, step: Step) -> Iterator[Server]:
        """Start a serve step's command; check it prints what the page says."""
        assert step.serve and step.port
        with Server(step.serve, step.port, self.cwd, where(self.w, step), self.server_env) as server:
            yield server

    def do(self, step: Step) -> None:
        """Do one step that is not a server: type its commands, save or edit its file.

        A step done while a server runs (a client talking to it) is measured
        by coverage like the server: its program is one of the page's snippets.
        """
        context = where(self.w, step)
        for command in step.commands:
            self.run(command, context, measured=bool(step.while_serving))
        if step.copy:
            self.copy(step.copy)
        if step.edit:
            self.edit(step.edit, context)

    def follow(self) -> Iterator[tuple[Step, Server]]:
        """Do every step in order; yield each server while it runs.

        The caller checks the server's URLs. When it asks for the next step,
        the steps the page does in a second terminal while this server runs
        (`while_serving`) are done, and then the server stops. A caller that
        closes the iteration instead stops the server without them.
        """
        for step in self.w.steps:
            if step.while_serving:
                continue  # done below, while its server runs
            self.do(step)
            if step.serve:
                with self.serve(step) as server:
                    yield step, server
                    for beside in self.w.beside(step):
                        self.do(beside)


def visit_live(visit: Visit, context: str) -> None:
    """Open one of the page's URLs on a live server and check what it shows."""
    if visit.is_websocket:
        check_websocket(visit, context)
    else:
        check_visit(http_get(visit.url), visit, context)
