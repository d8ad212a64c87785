"""The Compare section's data, from `guide/compare.yml`: what each error of
the Items API contract says, which bad input each framework handles by
itself and which its file handles in code, and what each HTTP server the
Compare pages start answers to malformed requests before the app sees them.
`docs/compare.md` renders it (`guide.render.compare`) and
`tests/test_compare.py` holds every implementation and server to it, so the
page and the tests cannot disagree.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).with_name("compare.yml")


@dataclasses.dataclass(frozen=True)
class Error:
    """One error of the contract: its status, when it is sent, and its text,
    where `{id}` stands for the id as the request gives it."""

    key: str
    status: int
    when: str
    text: str

    def says(self, item_id: object = None) -> str:
        """The text, with the request's id filled in."""
        return self.text.format(id=item_id)


@dataclasses.dataclass(frozen=True)
class RawRequest:
    """A request sent over a raw socket (most are malformed), and the status
    the app answers if one reaches it (`app`; None if no server passes it on)."""

    key: str
    what: str
    raw: bytes
    app: int | None = None

    @property
    def path(self) -> str:
        return self.raw.split(b" ")[1].decode() if self.raw.count(b" ") >= 2 else ""

    @property
    def body(self) -> bytes:
        return self.raw.partition(b"\r\n\r\n")[2]


@dataclasses.dataclass(frozen=True)
class Answer:
    """How a server answers a raw request: `app` (it passes it on), or
    its own `status` (None: no status line) with a body of `kind` (`html`,
    `text` or `empty`)."""

    app: bool
    status: int | None = None
    kind: str = ""

    @classmethod
    def parse(cls, text: str) -> Answer:
        """`app`, `html only` (no status line), or `<status> <kind>`: `400 html`."""
        if text == "app":
            return cls(app=True)
        if text == "html only":
            return cls(app=False, status=None, kind="html")
        status, kind = text.split()
        return cls(app=False, status=int(status), kind=kind)

    def __str__(self) -> str:
        """As the page shows it."""
        if self.app:
            return "the app"
        kind = {"html": "HTML", "text": "plain text", "empty": "no body"}[self.kind]
        return f"{self.status}, {kind}" if self.status else f"{kind}, no status line"


@dataclasses.dataclass(frozen=True)
class Server:
    """An HTTP server a Compare page starts: which serve steps run it
    (`compare.flask.dev`), and its answer to each raw request."""

    key: str
    name: str
    runs: tuple[str, ...]
    answers: dict[str, Answer]


@dataclasses.dataclass(frozen=True)
class Cell:
    """One framework's cell of a row of "Who handled the bad input": built
    in (`note`: with what, if said) or done by the file's code (`note`: what
    the framework does alone)."""

    built_in: bool
    note: str = ""

    @classmethod
    def parse(cls, text: str) -> Cell:
        """`built in`, `built in (with what)` or `code (what the framework does alone)`."""
        kind, _, rest = text.partition(" (")
        if kind not in ("built in", "code") or (rest and not rest.endswith(")")) or (kind == "code" and not rest):
            raise ValueError(f"{DATA.name}: a cell is `built in (…)` or `code (…)`, not {text!r}")
        return cls(built_in=kind == "built in", note=rest[:-1])

    def __str__(self) -> str:
        return ("built in" if self.built_in else "code") + (f" ({self.note})" if self.note else "")


@dataclasses.dataclass(frozen=True)
class Row:
    """A kind of bad input: as the table says it (`input`), as a note says
    what was done (`what`), and each framework's cell."""

    key: str
    input: str
    what: str
    cells: dict[str, Cell]


@functools.lru_cache(maxsize=8)
def _load(mtime: int) -> dict[str, Any]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def _data() -> dict[str, Any]:
    return _load(DATA.stat().st_mtime_ns)


def errors() -> dict[str, Error]:
    """Every error of the contract, by key, in the order the page lists them."""
    return {key: Error(key=key, **raw) for key, raw in _data()["errors"].items()}


def error(key: str) -> Error:
    """One error by key; a KeyError names the known ones."""
    try:
        return errors()[key]
    except KeyError:
        raise KeyError(f"no error {key!r} in {DATA.name}; known: {list(errors())}") from None


def raw_requests() -> dict[str, RawRequest]:
    """The requests sent over a raw socket, by key."""
    return {
        key: RawRequest(
            key=key,
            what=raw["what"],
            raw=raw["raw"].replace("{9000 ones}", "1" * 9000).encode("latin-1"),
            app=raw.get("app"),
        )
        for key, raw in _data()["raw_requests"].items()
    }


def servers() -> dict[str, Server]:
    """Every HTTP server the Compare pages start, by key."""
    return {
        key: Server(
            key=key,
            name=raw["name"],
            runs=tuple(raw["runs"]),
            answers={k: Answer.parse(v) for k, v in raw["answers"].items()},
        )
        for key, raw in _data()["servers"].items()
    }


def server_of(step_ref: str) -> Server:
    """The server a serve step runs, by `page.walkthrough.step`."""
    for server in servers().values():
        if step_ref in server.runs:
            return server
    raise KeyError(f"{DATA.name} names no server that runs {step_ref}")


def handled() -> dict[str, Row]:
    """The rows of "Who handled the bad input", by key."""
    rows = {}
    for key, raw in _data()["handled"].items():
        cells = {k: Cell.parse(v) for k, v in raw.items() if k not in ("input", "what")}
        rows[key] = Row(key=key, input=raw["input"], what=raw["what"], cells=cells)
    return rows
