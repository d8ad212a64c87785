"""The Compare page's contract, checked against every implementation.

`docs/compare.md` states one Items API and shows it in seven frameworks. The
implementations are found in `snippets/compare/walkthroughs.yml` (one
walkthrough per framework), so an eighth framework is one file and one YAML
entry. Every check here runs twice: in-process through the framework's own
test client, and over real HTTP against each server the page starts (the
development command and the production server). On top of the contract:
many clients writing at once over real HTTP, and generated bodies and paths
(hypothesis) in-process.

Each check leaves the store as it found it (Hammer and Nails), so the checks
can share one server, or one in-process app, in any order.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide import registry
from guide.checks import where
from guide.clients import Client, HTTPClient, Response, open_client
from guide.pages import markers
from guide.paths import DOCS, ROOT
from guide.render import features, render
from guide.walkthroughs import Walkthrough, walkthroughs

IMPLEMENTATIONS = walkthroughs("compare")
SEED = [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}]
MAX_ID = 2**31 - 1
MAX_ITEMS = 100
MAX_BODY = 1024
JSON = {"Content-Type": "application/json"}
ALLOWED = {"/items": {"GET", "POST"}, "/items/1": {"GET", "DELETE"}}
"""The methods each kind of path answers; any other gets 405 naming these."""


def impl_params() -> list:
    return [pytest.param(w, id=w.name) for w in IMPLEMENTATIONS]


# --------------------------------------------------------------------------
# Clients and how a failure reads
# --------------------------------------------------------------------------


class Checked:
    """A client whose every answer is held to the contract's general rules,
    with failures that name the page, the snippet and the request."""

    def __init__(self, client: Client, context: str, in_process: bool = True) -> None:
        self.client, self.context, self.in_process = client, context, in_process

    def call(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        r = self.client.request(method, path, body, headers)
        where = f"{self.context}: {method} {path[:80]}" + (f" {body[:80]!r}" if body else "")
        r.where = where  # type: ignore[attr-defined]
        if r.status >= 500 and r.status != 507:
            raise AssertionError(
                f"{where}: status {r.status}; the contract allows no 5xx but 507: {r.text[:300]!r}"
            )
        if r.status == 204:
            if r.text:
                raise AssertionError(f"{where}: 204 with a body {r.text[:200]!r}; it must be empty")
            return r
        if r.content_type.split(";")[0].strip().lower() != "application/json":
            raise AssertionError(
                f"{where}: content type {r.content_type!r}, contract says application/json: {r.text[:200]!r}"
            )
        try:
            data = r.json()
        except ValueError:
            raise AssertionError(f"{where}: the body is not JSON: {r.text[:200]!r}") from None
        if r.status >= 400 and not (
            isinstance(data, dict) and set(data) == {"error"} and isinstance(data["error"], str) and data["error"]
        ):
            raise AssertionError(f'{where}: error body {data!r}, contract says {{"error": "<words>"}}')
        return r

    def get(self, path: str) -> Response:
        return self.call("GET", path)

    def post(self, body: bytes | dict, headers: dict | None = JSON) -> Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.call("POST", "/items", raw, headers)

    def delete(self, item_id: int | str) -> Response:
        return self.call("DELETE", f"/items/{item_id}")


def expect(r: Response, status: int | set[int], json_body: object = None) -> None:
    """The status (or one of the statuses) and the JSON body, if given, that
    the contract says."""
    problems = []
    if r.status not in (status if isinstance(status, set) else {status}):
        problems.append(f"status {r.status}, contract says {status}")
    if json_body is not None and r.status != 204 and r.json() != json_body:
        problems.append(f"JSON {r.json()!r}, contract says {json_body!r}")
    if problems:
        raise AssertionError(f"{r.where}: " + "; ".join(problems) + f": {r.text[:200]!r}")  # type: ignore[attr-defined]


_IN_PROCESS: dict[str, Checked] = {}


def in_process(w: Walkthrough) -> Checked:
    """One in-process client per implementation and test worker: importing a
    snippet that configures its framework globally (Django) twice is not what
    a reader does, and every check restores the store it found."""
    if w.id not in _IN_PROCESS:
        step = w.servers[0]
        _IN_PROCESS[w.id] = Checked(open_client(w, step), where(w, step) + " [in-process]")
    return _IN_PROCESS[w.id]


@pytest.fixture(scope="module", autouse=True)
def _close_in_process() -> Iterator[None]:
    yield
    for checked in _IN_PROCESS.values():
        if hasattr(checked.client, "close"):
            checked.client.close()
    _IN_PROCESS.clear()


@contextlib.contextmanager
def created(c: Checked, *items: dict) -> Iterator[None]:
    """Create items for a check and delete them afterwards, pass or fail."""
    made = []
    try:
        for item in items:
            expect(c.post(item), 201, item)
            made.append(item["id"])
        yield
    finally:
        for item_id in made:
            c.client.request("DELETE", f"/items/{item_id}")


# --------------------------------------------------------------------------
# The contract: each check takes a client and leaves the store as it was
# --------------------------------------------------------------------------


def check_reads(c: Checked) -> None:
    """GET /items lists the seed sorted by id; GET /items/{id} gives one."""
    expect(c.get("/items"), 200, SEED)
    expect(c.get("/items/1"), 200, SEED[0])
    expect(c.get("/items/2"), 200, SEED[1])


def check_missing_and_malformed_ids(c: Checked) -> None:
    """Unknown and non-integer ids, and unknown paths, are a JSON 404.

    5000 digits is past Python's limit for int(); over HTTP the id has 4000,
    since gunicorn answers a request line over 4094 bytes itself (414, HTML)."""
    huge = "9" * (5000 if c.in_process else 4000)
    for segment in ["999", "0", str(MAX_ID), str(MAX_ID + 1), "abc", "-1", "1.5", huge, "9" * 3000, quote("Zoë-東京-😀"), quote("<script>alert(1)</script>")]:
        expect(c.get(f"/items/{segment}"), 404)
        expect(c.delete(segment), 404)
    for path in ["/", "/nope", "/items/1/name", "/item", "/ITEMS/1"]:
        expect(c.get(path), 404)


def check_wrong_methods(c: Checked) -> None:
    """A known path with a method it does not take: 405 and an Allow header
    naming the methods it does take."""
    for method, path in [("PUT", "/items"), ("DELETE", "/items"), ("PATCH", "/items"),
                         ("POST", "/items/1"), ("PUT", "/items/1"), ("PATCH", "/items/1")]:
        r = c.call(method, path, b"{}", JSON)
        expect(r, 405)
        kind = "/items" if path == "/items" else "/items/1"
        allow = {m.strip().upper() for m in r.headers.get("allow", "").split(",") if m.strip()}
        assert ALLOWED[kind] <= allow and method not in allow, (
            f"{r.where}: Allow is {r.headers.get('allow')!r}; it must name {sorted(ALLOWED[kind])} "  # type: ignore[attr-defined]
            f"and not {method}"
        )


def check_create_read_delete(c: Checked) -> None:
    """POST answers 201 with the item and its Location; it reads back and is
    listed in order; DELETE answers 204 with no body, then it is gone."""
    item = {"id": 7, "name": "Saw"}
    r = c.post(item)
    try:
        expect(r, 201, item)
        location = r.headers.get("location", "")
        assert urlsplit(location).path == "/items/7", (  # relative, or absolute on this host
            f"{r.where}: Location {location!r}, contract says '/items/7'"  # type: ignore[attr-defined]
        )
        expect(c.get("/items/7"), 200, item)
        expect(c.get("/items"), 200, [*SEED, item])
        expect(c.post({"id": 7, "name": "Another saw"}), 409)
        expect(c.get("/items/7"), 200, item)
    finally:
        expect(c.delete(7), 204)
    expect(c.get("/items/7"), 404)
    expect(c.delete(7), 404)
    expect(c.get("/items"), 200, SEED)


def check_sorted_by_id(c: Checked) -> None:
    """The list is sorted by id, not by the order items were created."""
    with created(c, {"id": 40, "name": "b"}, {"id": 30, "name": "a"}, {"id": MAX_ID, "name": "z"}):
        expect(c.get("/items"), 200, [*SEED, {"id": 30, "name": "a"}, {"id": 40, "name": "b"},
                                      {"id": MAX_ID, "name": "z"}])


NAMES = ["Zoë", "東京", "😀 emoji", "<script>alert(1)</script>", "a" * 100, "x", " spaced ",
         'quote " and \\ backslash', "line\nbreak", "\u0000nul", "é" * 100, "&amp;"]
"""Names stored and returned exactly as sent: non-ASCII, HTML, the limits."""


def check_names_returned_exactly(c: Checked) -> None:
    """Non-ASCII and HTML in names come back exactly as sent, as JSON."""
    for i, name in enumerate(NAMES, start=100):
        item = {"id": i, "name": name}
        with created(c, item):
            expect(c.get(f"/items/{i}"), 200, item)
    raw = b'{"id": 120, "name": "caf\\u00e9 \\ud83d\\ude00"}'  # escaped in the JSON text
    expect(c.post(raw), 201, {"id": 120, "name": "café 😀"})
    expect(c.delete(120), 204)


def check_json_content_type_with_charset(c: Checked) -> None:
    """`application/json; charset=utf-8` is JSON."""
    item = {"id": 8, "name": "Drill"}
    expect(c.post(json.dumps(item).encode(), {"Content-Type": "application/json; charset=utf-8"}), 201, item)
    expect(c.delete(8), 204)


def _too_long() -> bytes:
    body = json.dumps({"id": 9, "name": "x" * MAX_BODY}).encode()
    assert len(body) > MAX_BODY
    return body


BAD_BODIES: list[tuple[str, bytes, dict | None, int]] = [
    ("no content type", b'{"id": 9, "name": "x"}', {}, 415),
    ("text/plain", b'{"id": 9, "name": "x"}', {"Content-Type": "text/plain"}, 415),
    ("a form", b"id=9&name=x", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ("over the size limit", _too_long(), JSON, 413),
    ("malformed JSON", b'{"id": 9, "name": "x"', JSON, 422),
    ("an empty body", b"", JSON, 422),
    ("not UTF-8", b'{"id": 9, "name": "\xff"}', JSON, 422),
    ("a list", b'[{"id": 9, "name": "x"}]', JSON, 422),
    ("a string", b'"Hammer"', JSON, 422),
    ("null", b"null", JSON, 422),
    ("a missing name", b'{"id": 9}', JSON, 422),
    ("a missing id", b'{"name": "x"}', JSON, 422),
    ("an empty object", b"{}", JSON, 422),
    ("an extra field", b'{"id": 9, "name": "x", "price": 3}', JSON, 422),
    ("a boolean id", b'{"id": true, "name": "x"}', JSON, 422),
    ("a string id", b'{"id": "9", "name": "x"}', JSON, 422),
    ("a fractional id", b'{"id": 9.5, "name": "x"}', JSON, 422),
    ("a float id", b'{"id": 9.0, "name": "x"}', JSON, 422),
    ("a null id", b'{"id": null, "name": "x"}', JSON, 422),
    ("id 0", b'{"id": 0, "name": "x"}', JSON, 422),
    ("a negative id", b'{"id": -9, "name": "x"}', JSON, 422),
    ("an id over 2147483647", b'{"id": 2147483648, "name": "x"}', JSON, 422),
    ("an id of 900 digits", b'{"id": ' + b"9" * 900 + b', "name": "x"}', JSON, 422),
    ("an id of NaN", b'{"id": NaN, "name": "x"}', JSON, 422),
    ("an empty name", b'{"id": 9, "name": ""}', JSON, 422),
    ("a name of 101 characters", json.dumps({"id": 9, "name": "é" * 101}).encode(), JSON, 422),
    ("a numeric name", b'{"id": 9, "name": 9}', JSON, 422),
    ("a null name", b'{"id": 9, "name": null}', JSON, 422),
    ("a list as name", b'{"id": 9, "name": ["x"]}', JSON, 422),
    ("a duplicate id", b'{"id": 1, "name": "Another hammer"}', JSON, 409),
]
"""Each with one fault, and the status the contract gives it."""


def check_bad_bodies(c: Checked) -> None:
    """Every bad body gets its status and a JSON error; nothing is stored."""
    for what, body, headers, status in BAD_BODIES:
        r = c.post(body, headers)
        try:
            expect(r, status)
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from None
    expect(c.get("/items"), 200, SEED)


def check_store_is_bounded(c: Checked) -> None:
    """The store holds 100 items; the 101st gets 507, and once one is deleted
    there is room again."""
    extra = [{"id": 1000 + i, "name": f"item {i}"} for i in range(MAX_ITEMS - len(SEED))]
    with created(c, *extra):
        expect(c.post({"id": 5000, "name": "one too many"}), 507)
        expect(c.get("/items/5000"), 404)
        expect(c.delete(1000), 204)
        expect(c.post({"id": 1000, "name": "item 0"}), 201)
        expect(c.post({"id": 5000, "name": "one too many"}), 507)
    expect(c.get("/items"), 200, SEED)


CHECKS: list[Callable[[Checked], None]] = [
    check_reads,
    check_missing_and_malformed_ids,
    check_wrong_methods,
    check_create_read_delete,
    check_sorted_by_id,
    check_names_returned_exactly,
    check_json_content_type_with_charset,
    check_bad_bodies,
    check_store_is_bounded,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__.removeprefix("check_"))
@pytest.mark.parametrize("w", impl_params())
def test_contract_in_process(w: Walkthrough, check: Callable[[Checked], None]) -> None:
    """Each rule of the contract, through the framework's own test client."""
    check(in_process(w))


# --------------------------------------------------------------------------
# Many clients at once, over real HTTP
# --------------------------------------------------------------------------

WRITERS = 20


def at_once(base_url: str, jobs: list[tuple[str, str, bytes | None]]) -> list[Response]:
    """Send each (method, path, body) from its own thread and connection, all
    released together."""
    start = threading.Barrier(len(jobs))
    results: list[Response | BaseException] = [RuntimeError("not run")] * len(jobs)

    def work(i: int, method: str, path: str, body: bytes | None) -> None:
        client = HTTPClient(base_url)
        try:
            start.wait(10)
            results[i] = client.request(method, path, body, JSON if body else None)
        except Exception as error:  # reported below
            results[i] = error
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results  # type: ignore[return-value]


def check_concurrent_writes(c: Checked, base_url: str) -> None:
    """20 clients creating distinct items at once: all created, none lost,
    none twice. Then 20 clients creating the same id at once: exactly one
    wins, the rest get 409, and the stored item is the winner's."""
    items = [{"id": 300 + i, "name": f"writer {i}"} for i in range(WRITERS)]
    try:
        answers = at_once(base_url, [("POST", "/items", json.dumps(i).encode()) for i in items])
        statuses = sorted(r.status for r in answers)
        assert statuses == [201] * WRITERS, f"{c.context}: {WRITERS} distinct POSTs at once got {statuses}"
        expect(c.get("/items"), 200, SEED + items)
    finally:
        for item in items:
            c.client.request("DELETE", f"/items/{item['id']}")
    rivals = [{"id": 400, "name": f"rival {i}"} for i in range(WRITERS)]
    try:
        answers = at_once(base_url, [("POST", "/items", json.dumps(i).encode()) for i in rivals])
        winners = [r.json() for r in answers if r.status == 201]
        others = sorted(r.status for r in answers if r.status != 201)
        assert len(winners) == 1 and others == [409] * (WRITERS - 1), (
            f"{c.context}: {WRITERS} POSTs of id 400 at once: {len(winners)} got 201 "
            f"({winners}), the others {others}; exactly one may win (a lost write otherwise)"
        )
        expect(c.get("/items/400"), 200, winners[0])
    finally:
        c.client.request("DELETE", "/items/400")
    deletes = at_once(base_url, [("DELETE", "/items/1", None)] * 5)
    gone = sorted(r.status for r in deletes)
    c.client.request("POST", "/items", json.dumps(SEED[0]).encode(), JSON)
    assert gone == [204] + [404] * 4, f"{c.context}: 5 DELETEs of item 1 at once got {gone}; one 204, four 404"
    expect(c.get("/items"), 200, SEED)


@pytest.mark.server
@pytest.mark.parametrize("w", impl_params())
def test_contract_over_http(w: Walkthrough, reader) -> None:
    """The whole contract against each server the page starts (development
    and production), over real HTTP; concurrent writes against the
    production server (Bottle's development server takes five waiting
    connections and resets the rest)."""
    for step, server in reader(w).follow():
        client = HTTPClient(server.base_url)
        try:
            c = Checked(client, where(w, step) + " [over HTTP]", in_process=False)
            for check in CHECKS:
                check(c)
            if step.id == "prod":
                check_concurrent_writes(c, server.base_url)
        finally:
            client.close()


# --------------------------------------------------------------------------
# Generated input (hypothesis), in-process
# --------------------------------------------------------------------------

GENERATED = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)
ids = st.one_of(
    st.integers(min_value=-3, max_value=6),
    st.integers(min_value=MAX_ID - 2, max_value=MAX_ID + 2),
    st.integers(),
    json_values,
)
names = st.one_of(st.text(max_size=110), st.text(min_size=98, max_size=102), json_values)
objects = st.one_of(
    st.fixed_dictionaries({"id": ids, "name": names}),
    st.fixed_dictionaries({"id": ids, "name": names}, optional={"extra": json_values}),
    st.fixed_dictionaries({}, optional={"id": ids, "name": names}),
    json_values,
)
bodies = st.one_of(
    objects.map(lambda v: json.dumps(v).encode()),
    objects.map(lambda v: json.dumps(v, ensure_ascii=False).encode()),
    st.binary(max_size=50),
)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain", None]
)


def contract_status(body: bytes, content_type: str | None, existing: set[int]) -> set[int]:
    """What the contract answers to a POST of this body: the reference model.
    A body both too long and not JSON may get either answer."""
    too_long = len(body) > MAX_BODY
    if (content_type or "").split(";")[0].strip().lower() != "application/json":
        return {413, 415} if too_long else {415}
    if too_long:
        return {413}
    try:
        data = json.loads(body)
    except ValueError:
        return {422}
    if not (isinstance(data, dict) and set(data) == {"id", "name"}):
        return {422}
    if type(data["id"]) is not int or not 1 <= data["id"] <= MAX_ID:
        return {422}
    if type(data["name"]) is not str or not 1 <= len(data["name"]) <= 100:
        return {422}
    return {409} if data["id"] in existing else {201}


@pytest.mark.parametrize("w", impl_params())
def test_generated_bodies(w: Walkthrough) -> None:
    """Generated POST bodies and content types get the status the contract
    gives them, never a 5xx, errors in JSON; what was created reads back
    unchanged and nothing else is stored."""
    c = in_process(w)

    @GENERATED
    @given(body=bodies, content_type=content_types)
    def post(body: bytes, content_type: str | None) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        r = c.post(body, headers)
        try:
            expect(r, contract_status(body, content_type, {1, 2}))
            if r.status == 201:
                sent = json.loads(body)
                assert r.json() == sent, f"{r.where}: answered {r.json()!r}, sent {sent!r}"  # type: ignore[attr-defined]
                expect(c.get(f"/items/{sent['id']}"), 200, sent)
        finally:
            if r.status == 201:
                expect(c.delete(r.json()["id"]), 204)
        expect(c.get("/items"), 200, SEED)

    post()


segments = st.one_of(
    st.integers(min_value=-5, max_value=5).map(str),
    st.integers().map(str),
    st.text(alphabet="0123456789", min_size=1, max_size=40),
    st.text(min_size=1, max_size=30),
).filter(lambda s: s not in {".", ".."})
OTHER_PAGES = {"items", "docs", "redoc", "openapi.json"}
"""Top-level paths a framework may serve besides /items (FastAPI's docs)."""


@pytest.mark.parametrize("w", impl_params())
def test_generated_paths(w: Walkthrough) -> None:
    """Any id segment gives the item with that id, or a JSON 404; any other
    top-level path is a JSON 404; never a 5xx."""
    c = in_process(w)

    @GENERATED
    @given(segment=segments, method=st.sampled_from(["GET", "DELETE"]))
    def visit(segment: str, method: str) -> None:
        r = c.call(method, f"/items/{quote(segment, safe='')}")
        if r.status in (200, 204):
            found = int(segment)  # only a whole number may name an item
            assert found in (1, 2), f"{r.where}: status {r.status} for an id that does not exist"  # type: ignore[attr-defined]
            if method == "GET":
                expect(r, 200, SEED[found - 1])
            else:
                expect(c.post(SEED[found - 1]), 201)
        else:
            expect(r, 404)
        if segment not in OTHER_PAGES:
            expect(c.get(f"/{quote(segment, safe='')}"), 404)

    visit()
    expect(c.get("/items"), 200, SEED)


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------

PAGE = DOCS / "compare.md"
TAB_SET = re.compile(r'^=== "(?P<label>[^"]+)"\n(?P<body>(?:\n|    .*\n)*)', re.MULTILINE)
TYPED_COUNT = re.compile(r"\*\*\d+ lines")


def tab_sets(page: Path = PAGE) -> list[list[tuple[str, str]]]:
    """The page's tab sets, each a list of (label, body); a set is a run of
    tabs with nothing between them but blank lines."""
    sets: list[list[tuple[str, str]]] = []
    end = -1
    text = page.read_text()
    for m in TAB_SET.finditer(text):
        if m.start() != end:
            sets.append([])
        sets[-1].append((m["label"], m["body"]))
        end = m.end()
    return sets


def test_page_tabs_are_linked() -> None:
    """Every tab set on the page has one tab per implementation, labelled with
    its framework's name, in the same order, so Material's linked tabs switch
    them together."""
    sets = tab_sets()
    assert len(sets) >= 2, f"{PAGE.name}: expected tab sets for the versions and their commands; found {len(sets)}"
    names = [registry.framework(w.framework).name for w in IMPLEMENTATIONS]
    for tabs in sets:
        labels = [label for label, _ in tabs]
        assert sorted(labels) == sorted(names) and labels == [lb for lb, _ in sets[0]], (
            f"{PAGE.name}: tab labels {labels}; walkthroughs.yml has {names}, and every set the first's order"
        )


@pytest.mark.parametrize("w", impl_params())
def test_each_version_has_a_page_of_its_own(w: Walkthrough) -> None:
    """Each Items API is shown on its own page (its walkthrough's `page:`),
    which the Compare page's tab for that framework links to."""
    page = ROOT / w.page_file
    assert page != PAGE and page.is_file(), f"{w.id}: shown on {w.page_file}, which is not a page of its own"
    name = registry.framework(w.framework).name
    tab = dict(tab_sets()[0])[name]
    assert f"]({page.name})" in tab, f"{PAGE.name}: the {name} tab does not link to {page.name}"


@pytest.mark.parametrize("w", impl_params())
def test_page_line_counts(w: Walkthrough) -> None:
    """The line counts are the feature matrix's (non-blank lines,
    `guide.render.features.lines`): rendered by the `lines` marker of the
    framework each one describes, on its own page and in its Compare tab,
    never typed."""
    key, name = w.framework, registry.framework(w.framework).name
    page = ROOT / w.page_file
    counted = {arg for kind, arg in markers(page) if kind == "lines"}
    assert counted == {key}, f'{w.page_file} counts the lines of {sorted(counted)}: use {{{{ lines("{key}") }}}}'
    assert f'{{{{ lines("{key}") }}}}' in dict(tab_sets()[0])[name], (
        f'{PAGE.name}: the {name} tab should state its line count with {{{{ lines("{key}") }}}}'
    )
    for shown in (PAGE, page):
        typed = TYPED_COUNT.findall(shown.read_text())
        assert not typed, f"{shown.name} types line counts {typed}; use the lines marker"
    rendered = render(page.read_text())
    assert f"**{features.lines(key)} lines**" in rendered, f"{w.page_file} does not show {features.lines(key)} lines"


def test_home_page_links_each_items_api() -> None:
    """Each row of the home page's "How to choose" table links "Its Items API"
    to the page of that row's framework's Items API."""
    home = (DOCS / "index.md").read_text()
    rows = re.findall(r"^\|.*?\]\((?P<page>\w+)\.md\).*\[Its Items API\]\((?P<target>[^)]+)\)", home, re.MULTILINE)
    assert sorted(page for page, _ in rows) == sorted(registry.frameworks()), f"index.md: Items API links in rows {rows}"
    for key, target in rows:
        expected = Path(registry.framework(key).items_walkthrough().page_file).name
        assert target == expected, f"index.md: the {key} row's Items API link goes to {target}, not {expected}"
