"""The walkthrough data: what a reader does on a page, read from
`snippets/<page>/walkthroughs.yml`.

A *walkthrough* goes from an empty folder to a running server: the commands
the reader types, the files they save, the server they start and the URLs
they open, with what each prints or answers. The page renders it, the tests
do it; both read it through this module, so they cannot read different data.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from guide.paths import DOCS, SNIPPETS


@dataclasses.dataclass(frozen=True)
class Visit:
    """A URL the page tells the reader to open, and what they will see there.

    `status` and `content_type` are compared exactly; then `json` (parsed and
    compared), `body` (the exact text), and each of `contains` (a substring).
    A `ws://` URL is a WebSocket: `send` each message, expect `receive`.
    """

    url: str
    note: str = ""
    status: int = 200
    content_type: str | None = None
    json: Any = None
    body: str | None = None
    contains: tuple[str, ...] = ()
    send: tuple[str, ...] = ()
    receive: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """The path and query of the URL, as a test client wants it."""
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def is_websocket(self) -> bool:
        return self.url.startswith("ws")


@dataclasses.dataclass(frozen=True)
class Command:
    """One line the reader types, the output it prints, the answers it asks for."""

    line: str
    output: tuple[str, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()
    secret: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of a walkthrough.

    Exactly one of these is set: `commands` (lines typed in a terminal),
    `copy` (a file saved from the snippet folder to the same relative path),
    `edit` (a generated file changed by a snippet's top-level assignments), or
    `serve` (a long-running server command, with `port`, the `output` it prints
    once ready, the URLs to `visit`, and `app`, the expression that gives its
    application object for the in-process layer).
    """

    id: str
    commands: tuple[Command, ...] = ()
    copy: str | None = None
    edit: str | None = None
    serve: Command | None = None
    port: int | None = None
    app: str | None = None
    module: str | None = None
    visits: tuple[Visit, ...] = ()


@dataclasses.dataclass(frozen=True)
class Walkthrough:
    """What a reader does on one page, from an empty folder: `steps` in order.

    `page` names the snippet folder (`snippets/<page>/`) and the page that
    shows the walkthrough (`docs/<page>.md`), unless its entry in the YAML
    file names another page with `page:` (`shown_on`): each Compare
    walkthrough has a page of its own. `name` is the walkthrough's key in
    its YAML file.
    """

    page: str
    name: str
    folder: str
    steps: tuple[Step, ...]
    shown_on: str = ""

    @property
    def id(self) -> str:
        """`page.name`, e.g. `flask.items` or `compare.django`."""
        return f"{self.page}.{self.name}"

    @property
    def page_file(self) -> str:
        """The page that shows this walkthrough, relative to the repo root."""
        return f"{DOCS.name}/{self.shown_on or self.page}.md"

    @property
    def framework(self) -> str:
        """The registry key of the framework this walkthrough runs."""
        from guide import registry

        return registry.framework_of(self).key

    @property
    def source(self) -> Path:
        """The folder holding the reader's files, at the paths they save them."""
        return SNIPPETS / self.page / self.folder

    def step(self, step_id: str) -> Step:
        """The step called `step_id`; a KeyError names the ones there are."""
        for step in self.steps:
            if step.id == step_id:
                return step
        known = ", ".join(s.id for s in self.steps)
        raise KeyError(f"{self.id} has no step {step_id!r} (it has: {known})")

    @property
    def servers(self) -> list[Step]:
        """The steps that start a server."""
        return [s for s in self.steps if s.serve]

    def snippet(self, step: Step) -> Path:
        """The snippet file a serve step runs (the module its `app` lives in)."""
        return self.source / (step.module or "app.py")


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _command(raw: Any) -> Command:
    if isinstance(raw, str):
        return Command(raw)
    return Command(
        line=raw["cmd"],
        output=tuple(_strings(raw.get("output", ()))),
        answers=tuple((q, a) for q, a in raw.get("answers", [])),
        secret=tuple(_strings(raw.get("secret", ()))),
    )


def _visit(raw: dict[str, Any]) -> Visit:
    fields = {f.name for f in dataclasses.fields(Visit)}
    unknown = set(raw) - fields
    if unknown:
        raise ValueError(f"unknown visit keys {sorted(unknown)} in {raw}")
    for key in ("contains", "send", "receive"):
        if key in raw:
            raw = {**raw, key: tuple(_strings(raw[key]))}
    return Visit(**raw)


def _step(raw: dict[str, Any], index: int) -> Step:
    kinds = [k for k in ("run", "copy", "edit", "serve") if k in raw]
    if len(kinds) != 1:
        raise ValueError(f"step {index} needs exactly one of run/copy/edit/serve: {raw}")
    step_id = raw.get("id", f"step-{index}")
    if "run" in raw:
        run = raw["run"]
        commands = [run] if isinstance(run, (str, dict)) else run
        return Step(step_id, commands=tuple(_command(c) for c in commands))
    if "serve" in raw:
        return Step(
            step_id,
            serve=Command(raw["serve"], output=tuple(_strings(raw.get("output", ())))),
            port=int(raw["port"]),
            app=raw.get("app"),
            module=raw.get("module"),
            visits=tuple(_visit(v) for v in raw.get("visit", [])),
        )
    return Step(step_id, copy=raw.get("copy"), edit=raw.get("edit"))


@functools.lru_cache(maxsize=64)
def _load(data_file: Path, mtime: int) -> tuple[Walkthrough, ...]:
    # Parsed once per version of the file: a build renders many markers, and
    # `mkdocs serve` sees an edited file as a new modification time.
    page = data_file.parent.name
    raw_file = yaml.safe_load(data_file.read_text(encoding="utf-8"))
    return tuple(
        Walkthrough(
            page,
            name,
            raw.get("folder", name),
            tuple(_step(s, i) for i, s in enumerate(raw["steps"], 1)),
            shown_on=raw.get("page", ""),
        )
        for name, raw in raw_file.items()
    )


def walkthroughs(page: str | None = None) -> list[Walkthrough]:
    """Every walkthrough in `snippets/*/walkthroughs.yml` (or one page's)."""
    found = []
    for data_file in sorted(SNIPPETS.glob("*/walkthroughs.yml")):
        if page and data_file.parent.name != page:
            continue
        found.extend(_load(data_file, data_file.stat().st_mtime_ns))
    return found


def walkthrough(ref: str) -> Walkthrough:
    """One walkthrough by `page.name`, e.g. `walkthrough("flask.items")`."""
    page = ref.partition(".")[0]
    for w in walkthroughs(page):
        if w.id == ref:
            return w
    raise KeyError(f"no walkthrough {ref!r}; known: {[w.id for w in walkthroughs()]}")


def step(ref: str) -> tuple[Walkthrough, Step]:
    """A walkthrough and one of its steps by `page.name.step`, e.g. `flask.hello.serve`."""
    page_name, _, step_id = ref.rpartition(".")
    if not page_name or "." not in page_name:
        raise KeyError(f"{ref!r} is not `page.walkthrough.step`")
    w = walkthrough(page_name)
    return w, w.step(step_id)


def ports() -> set[int]:
    """Every port a page tells the reader to serve on."""
    return {s.port for w in walkthroughs() for s in w.servers if s.port}
