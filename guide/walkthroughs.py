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
import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from guide.paths import DOCS, SNIPPETS


@dataclasses.dataclass(frozen=True)
class Visit:
    """A URL the page tells the reader to open, and what they will see there.

    `status` and `content_type` are compared exactly; then `json` (parsed and
    compared), `body` (the exact text), and each of `contains` (a substring of
    the answer, which the page shows as a browser displays it) and of
    `source_contains` (a substring the page does not show, such as the address
    of a script: markup a reader never reads). A URL that answers with a
    redirect says so: `redirect_status` and `redirects_to` (its `Location`)
    describe the first answer, the other fields the page it leads to. A
    `ws://` URL is a WebSocket: `send` each message, expect `receive`.
    """

    url: str
    note: str = ""
    status: int = 200
    content_type: str | None = None
    json: Any = None
    body: str | None = None
    contains: tuple[str, ...] = ()
    source_contains: tuple[str, ...] = ()
    redirect_status: int | None = None
    redirects_to: str | None = None
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

    @property
    def is_html(self) -> bool:
        """True for an HTML answer, which the reader reads in a browser."""
        return (self.content_type or "").split(";")[0].strip().lower() == "text/html"


def shown(fragment: str) -> str:
    """A fragment of HTML as a browser displays it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


LOGIN = "{login}"
"""In a prompt, the name of the account the reader is logged in as (Django's
`createsuperuser` offers it as the default username): the verification
expects its own there, and the page shows `LOGIN_SHOWN`, which it explains."""
LOGIN_SHOWN = "<your login name>"


@dataclasses.dataclass(frozen=True)
class Command:
    """One line the reader types, the output it prints, the answers it asks for.

    Each of `answers` is `(prompt, answer)`: the prompt exactly as the program
    prints it (`LOGIN` standing for the reader's login name), and what the
    reader types; an answer in `secret` is typed but never shown. `measure`
    runs it under coverage, as servers are (the reader's own tests are
    snippets too); `port` is a fixed port it uses, held under the port lock
    while it runs."""

    line: str
    output: tuple[str, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()
    secret: tuple[str, ...] = ()
    measure: bool = False
    port: int | None = None


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of a walkthrough.

    Exactly one of these is set: `commands` (lines typed in a terminal),
    `copy` (a file saved from the snippet folder to the same relative path),
    `edit` (a generated file changed by a snippet's top-level assignments), or
    `serve` (a long-running server command, with `port`, the `output` it prints
    once ready, the URLs to `visit`, and `app`, the expression that gives its
    application object for the in-process layer).

    A `run` or `copy` step with `while_serving` (the id of the serve step just
    before it) is done in a second terminal while that server runs: a client
    program that talks to it.
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
    while_serving: str | None = None


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

    @property
    def makes_its_folder(self) -> bool:
        """True if the reader starts by making the walkthrough's folder
        (`mkdir <folder>`, then `cd <folder>`): it then starts one level up."""
        first = self.steps[0].commands[:1] if self.steps else ()
        return bool(first) and first[0].line == f"mkdir {self.folder}"

    def beside(self, serve: Step) -> list[Step]:
        """The steps done in a second terminal while `serve`'s server runs."""
        return [s for s in self.steps if s.while_serving == serve.id]

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
        measure=bool(raw.get("measure", False)),
        port=raw.get("port"),
    )


def _visit(raw: dict[str, Any]) -> Visit:
    fields = {f.name for f in dataclasses.fields(Visit)}
    unknown = set(raw) - fields
    if unknown:
        raise ValueError(f"unknown visit keys {sorted(unknown)} in {raw}")
    if ("redirect_status" in raw) != ("redirects_to" in raw):
        raise ValueError(f"a redirect needs both redirect_status and redirects_to: {raw}")
    for key in ("contains", "source_contains", "send", "receive"):
        if key in raw:
            raw = {**raw, key: tuple(_strings(raw[key]))}
    return Visit(**raw)


def _step(raw: dict[str, Any], index: int) -> Step:
    kinds = [k for k in ("run", "copy", "edit", "serve") if k in raw]
    if len(kinds) != 1:
        raise ValueError(f"step {index} needs exactly one of run/copy/edit/serve: {raw}")
    step_id = raw.get("id", f"step-{index}")
    alongside = raw.get("while_serving")
    if alongside and "serve" in raw:
        raise ValueError(f"step {index}: a server cannot start while another serves: {raw}")
    if "run" in raw:
        run = raw["run"]
        commands = [run] if isinstance(run, (str, dict)) else run
        return Step(step_id, commands=tuple(_command(c) for c in commands), while_serving=alongside)
    if "serve" in raw:
        return Step(
            step_id,
            serve=Command(raw["serve"], output=tuple(_strings(raw.get("output", ())))),
            port=int(raw["port"]),
            app=raw.get("app"),
            module=raw.get("module"),
            visits=tuple(_visit(v) for v in raw.get("visit", [])),
        )
    return Step(step_id, copy=raw.get("copy"), edit=raw.get("edit"), while_serving=alongside)


def _checked(steps: tuple[Step, ...], where: str) -> tuple[Step, ...]:
    """Steps done while a server runs follow that server's step directly."""
    serving = None
    for s in steps:
        if s.while_serving and s.while_serving != serving:
            raise ValueError(
                f"{where}: step {s.id!r} runs while {s.while_serving!r} serves, but it does not "
                "directly follow that serve step (or the steps done while it serves)"
            )
        if not s.while_serving:
            serving = s.id if s.serve else None
    return steps


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
            _checked(tuple(_step(s, i) for i, s in enumerate(raw["steps"], 1)), f"{data_file.name} {name}"),
            shown_on=raw.get("page", ""),
        )
        for name, raw in raw_file.items()
    )


@dataclasses.dataclass(frozen=True)
class Venv:
    """The virtual environment every framework page starts in: the lines that
    create and activate it on Linux and macOS (which the verification runs)
    and on Windows (which it names), with the sentences around them."""

    before: str
    posix: tuple[str, ...]
    windows: tuple[str, ...]
    after: str


VENV_FILE = SNIPPETS / "venv.yml"


def venv() -> Venv:
    """The shared virtual-environment block, from `snippets/venv.yml`."""
    raw = yaml.safe_load(VENV_FILE.read_text(encoding="utf-8"))
    return Venv(raw["before"], tuple(raw["posix"]), tuple(raw["windows"]), raw["after"])


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
