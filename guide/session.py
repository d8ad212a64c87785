"""The test session (a pytest plugin, `-p guide.session`): a loopback of its
own for each test process, the servers it keeps running, and an order of
tests that lets each server start once.

- Each process that runs tests moves into a network namespace of its own
  (`guide.processes.own_loopback`), so the examples' fixed ports never meet
  another worker's or another job's; where that is not allowed, servers take
  turns through the machine-wide port lock instead.
- `live` (a fixture) hands out the running servers (`guide.live.LiveServers`).
- Tests that use one walkthrough's servers are sent to one worker together
  (their ids name it: `test_x[flask.items.serve]`), in collection order, with
  the tests marked `stops` last, so its server starts once per run.
- `--page flask` (what `make check PAGE=flask` runs) keeps only the checks of
  one page: its walkthroughs in both layers, its claims, its build and its
  browser checks.
- Two depths. `make test` runs every check but those marked `deep`, with
  Hypothesis's `fast` profile; `make test-deep` (`--deep`, which CI runs too)
  runs every check, with the `thorough` profile. `tests/checks.txt` lists
  every check and the depth it runs at; a check that appears, moves or
  disappears fails `test_every_check_is_listed` until the list says so
  (`--update-checks` rewrites it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from guide.live import LiveServers
from guide.paths import DOCS, ROOT
from guide.processes import SESSION, kill_all, kill_leftovers, own_loopback
from guide.walkthroughs import walkthroughs

_GROUP = re.compile(r"\[(?P<page>[\w-]+)\.(?P<name>[\w-]+)(?:\.[\w-]+)?(?:[-\]])")


def group_of(nodeid: str) -> str | None:
    """The walkthrough a test's id names in its parameters, if any."""
    found = _GROUP.search(nodeid)
    if not found:
        return None
    ref = f"{found['page']}.{found['name']}"
    return ref if ref in {w.id for w in walkthroughs()} else None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--page", help="run only the checks of this page (its name, e.g. flask)")
    parser.addoption("--deep", action="store_true", help="run the deep checks too, with Hypothesis's thorough profile")
    parser.addoption("--update-checks", action="store_true", help="rewrite tests/checks.txt from this collection")


PROFILES = {"fast": 25, "thorough": 150}
"""Examples per generated test (Hypothesis), by depth."""
CHECKS = ROOT / "tests" / "checks.txt"


def _profiles(deep: bool) -> None:
    from hypothesis import HealthCheck, settings

    for name, examples in PROFILES.items():
        settings.register_profile(name, max_examples=examples, deadline=None, derandomize=True, database=None,
                                  suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("thorough" if deep else "fast")


def inventory(items: list[pytest.Item]) -> str:
    """Every check (a test function, with how many cases it has) and its depth."""
    counts: dict[tuple[str, str], int] = {}
    for item in items:
        depth = "deep" if item.get_closest_marker("deep") else "test"
        key = (item.nodeid.split("[", 1)[0], depth)
        counts[key] = counts.get(key, 0) + 1
    lines = [f"{depth:<4} {name} ({n})" for (name, depth), n in sorted(counts.items())]
    header = ("# Every check of the verification and where it runs: `test` in `make test`, `deep` only in\n"
              "# `make test-deep` (which CI runs too). Written by `pytest --update-checks`; a check that\n"
              "# appears, moves or disappears must be recorded here (tests/test_session.py checks).\n")
    return header + "\n".join(lines) + "\n"


_ALL = pytest.StashKey[str]()


def on_page(nodeid: str, page: str) -> bool:
    """Whether a test checks `page` (a file in docs/, without `.md`).

    In this order: the strict build of the whole site counts for every page;
    a page file named in the parameters (`[flask.md]`) says it; so does a
    walkthrough (`[flask.items.serve]`, `[compare.flask.dev]`: the page it is
    shown on); then the test's file, where it is a page's own
    (`test_flask.py`; `test_compare.py[flask]` checks compare-flask); last,
    a page named in the parameters of a test of the whole site
    (`test_browser.py[flask-dark]`)."""
    if nodeid.endswith("::test_strict_build"):
        return True
    path, _, params = nodeid.partition("[")
    if named := re.match(r"([\w-]+)\.md\b", params):
        return named[1] == page
    if shown := _walkthrough_page(params):
        return shown == page
    stem = path.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py").removeprefix("test_")
    if (DOCS / f"{stem}.md").exists():
        fw = re.match(r"[\w]+", params)
        return page == (f"{stem}-{fw[0]}" if stem == "compare" and fw and (DOCS / f"{stem}-{fw[0]}.md").exists()
                        else stem)
    return re.match(rf"{re.escape(page)}(?:[\].:-])", params) is not None


def _walkthrough_page(params: str) -> str | None:
    """The page of the walkthrough a test's parameters start with, if any."""
    pages = {w.id: w.page_file for w in walkthroughs()}
    found = re.match(r"([\w-]+\.[\w-]+)", params)
    return Path(pages[found[1]]).stem if found and found[1] in pages else None


def pytest_configure(config: pytest.Config) -> None:
    worker = hasattr(config, "workerinput")
    controller = not worker and config.getoption("numprocesses", None) not in (None, 0)
    if not worker:  # a run of its own, even inside another (the interrupted-run tests)
        os.environ[SESSION] = f"{os.getpid()}"
    if not controller:
        config.stash[_ISOLATED] = own_loopback()
    _profiles(config.getoption("deep"))


_ISOLATED = pytest.StashKey[bool]()


def pytest_report_header(config: pytest.Config) -> str:
    isolated = config.stash.get(_ISOLATED, None)
    if isolated is None:
        return "servers: each worker on a loopback of its own (when allowed), else the port lock"
    return "servers: " + ("a loopback of its own" if isolated else "the machine's loopback, taking turns by port lock")


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    """Before the other plugins: note every check collected (`--update-checks`
    writes them down). After them (shuffled or not, `-k` applied): without
    `--deep`, no deep check; with `--page`, only that page's checks; and the
    tests of each walkthrough together, in the order they came, those marked
    `stops` last, walkthrough groups first, since their servers take longest."""
    config.stash[_ALL] = inventory(items)
    if config.getoption("update_checks") and not hasattr(config, "workerinput"):
        CHECKS.write_text(config.stash[_ALL])
    yield
    page, deep = config.getoption("page"), config.getoption("deep")
    kept = [item for item in items
            if (deep or not item.get_closest_marker("deep")) and (not page or on_page(item.nodeid, page))]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        first.setdefault(group_of(item.nodeid) or item.nodeid, i)

    def key(pair: tuple[int, pytest.Item]) -> tuple[int, int, int, int]:
        i, item = pair
        group = group_of(item.nodeid)
        return (group is None, first[group or item.nodeid], item.get_closest_marker("stops") is not None, i)

    items[:] = [item for _, item in sorted(enumerate(items), key=key)]


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Whole walkthrough groups to one worker each; every other test on its own."""
    from xdist.scheduler import LoadScopeScheduling

    class ByWalkthrough(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid) or nodeid

    config.option.loadscopereorder = False  # keep the order above: slow groups first
    return ByWalkthrough(config, log)


@pytest.fixture
def collected_checks(request: pytest.FixtureRequest) -> str:
    """The inventory of this run's collection, as `tests/checks.txt` writes it."""
    return request.config.stash[_ALL]


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServers]:
    """The servers this test process keeps running, by `page.walkthrough.step`."""
    servers = LiveServers(tmp_path_factory.mktemp("live"))
    yield servers
    servers.close()
    kill_all()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Whatever a killed worker could not stop is stopped here."""
    if not hasattr(session.config, "workerinput"):
        kill_leftovers(os.environ[SESSION])
