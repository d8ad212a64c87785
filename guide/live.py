"""Servers kept running for a test session: each serve step started once, as
the reader starts it, and checked by every test that needs it.

Following a page is the slow part of the truthful layer: typing its commands
and starting its server. So a test process follows each walkthrough once, in
one folder, and keeps the server of the step it reached running until a test
asks for another server on the same port, or for a step it has passed. Every
test that checks a running server takes it from here; whatever it changes, it
changes back, or it asks for a server of its own (`fresh`).

Stopping is checked too: `stop()` stops a server as a reader does (Ctrl-C to
its process group) and reports how it ended.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from guide.processes import KEEPERS, Server
from guide.reader import Reader
from guide.walkthroughs import Step, Walkthrough, step


@dataclasses.dataclass(frozen=True)
class Stopped:
    """How a server ended when it was stopped with Ctrl-C."""

    ref: str
    command: str
    returncode: int | None
    output: str
    """Everything it printed, from its start."""
    at_the_end: str
    """What it printed from the moment Ctrl-C was pressed (a shared server has
    answered many tests' requests before, and may have logged their errors)."""

    @property
    def clean(self) -> bool:
        """Exit code 0 and no traceback on the way out: what a reader expects from Ctrl-C."""
        return self.returncode == 0 and "Traceback" not in self.at_the_end


@dataclasses.dataclass
class _Following:
    """One walkthrough being followed in one folder: how far, and its server."""

    w: Walkthrough
    reader: Reader
    done: int = -1
    """The index of the last step done."""
    step: Step | None = None
    server: Server | None = None
    running: contextlib.ExitStack = dataclasses.field(default_factory=contextlib.ExitStack)

    def reach(self, wanted: Step, prepare: Callable[[Reader], None] | None = None) -> Server:
        """Do the steps up to `wanted` (starting no server on the way), then
        `prepare(reader)` if given, and start its server."""
        assert not self.server, "stop the running server first"
        index = self.w.steps.index(wanted)
        for later in self.w.steps[self.done + 1 : index]:
            # A client beside an earlier server needs that server, and would change
            # what this shared one serves: `test_beside_the_server` runs those.
            if not (later.serve or later.while_serving):
                self.reader.do(later)
        if prepare:
            prepare(self.reader)
        self.server = self.running.enter_context(self.reader.serve(wanted))
        self.done, self.step = index, wanted
        return self.server

    def halt(self) -> Stopped | None:
        """Stop its server with Ctrl-C, if one runs; how it ended."""
        if not (self.server and self.step):
            return None
        server, ref = self.server, f"{self.w.id}.{self.step.id}"
        self.server = None
        before = len(server.lines)
        self.running.close()
        return Stopped(ref, server.command.line, server.returncode, server.output,
                       "\n".join(server.lines[before:]))


class LiveServers:
    """The running servers of one test process, by `page.walkthrough.step`."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self._following: dict[str, _Following] = {}
        self._folders = itertools.count()
        self.stopped: dict[str, Stopped] = {}
        """How each server stopped so far ended, by step, the last time."""
        KEEPERS.append(self._free)

    def _new(self, w: Walkthrough) -> _Following:
        return _Following(w, Reader(w, self.tmp / f"{next(self._folders)}-{w.id}", installs=False))

    def _halt(self, following: _Following) -> None:
        stopped = following.halt()
        if stopped:
            self.stopped[stopped.ref] = stopped

    def _free(self, port: int | None, keep: str = "") -> None:
        """Stop any server of another walkthrough that holds `port` in this process."""
        for w_id, following in self._following.items():
            if w_id != keep and following.server and following.server.port == port:
                self._halt(following)

    def server(self, ref: str) -> Server:
        """The running server of a serve step, started (and the page followed up
        to it) if it is not running yet."""
        w, wanted = step(ref)
        assert wanted.serve, f"{ref} is not a serve step"
        now = self._following.get(w.id)
        if now and now.step is wanted and now.server:
            return now.server
        self._free(wanted.port, keep=w.id)
        if now is None or now.done >= w.steps.index(wanted):
            if now:
                self._halt(now)
            now = self._following[w.id] = self._new(w)
        elif now.server:
            self._halt(now)
        return now.reach(wanted)

    def reader(self, ref: str) -> Reader:
        """The reader in whose folder the server of `ref` runs (started if need be)."""
        self.server(ref)
        return self._following[step(ref)[0].id].reader

    def stop(self, ref: str) -> Stopped:
        """Stop a step's server with Ctrl-C, and say how it ended: if it runs,
        now; if it ran and was stopped already (to free its port), then; if it
        never ran here, it is started first."""
        w, wanted = step(ref)
        now = self._following.get(w.id)
        if not (now and now.step is wanted and now.server) and ref in self.stopped:
            return self.stopped[ref]
        self.server(ref)
        self._halt(self._following[w.id])
        return self.stopped[ref]

    @contextlib.contextmanager
    def fresh(self, ref: str, prepare: Callable[[Reader], None] | None = None) -> Iterator[tuple[Reader, Server]]:
        """A server of this step in a folder of its own, for a test that changes
        what it serves (its files, its state), with `prepare(reader)` run just
        before it starts; stopped afterwards."""
        w, wanted = step(ref)
        self._free(wanted.port)
        own = self._new(w)
        try:
            yield own.reader, own.reach(wanted, prepare)
        finally:
            own.halt()  # not recorded in `stopped`: that is how the step's own server ended

    def close(self) -> None:
        """Stop everything still running."""
        if self._free in KEEPERS:
            KEEPERS.remove(self._free)
        for following in self._following.values():
            self._halt(following)
        self._following.clear()
