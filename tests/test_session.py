"""The verification's own bookkeeping (`guide.session`): every check is
listed with the depth it runs at, so none can disappear unnoticed, and the
one-page selection keeps exactly a page's checks."""

from __future__ import annotations

import pytest

from guide.session import CHECKS, on_page


def listed(text: str, files: set[str]) -> list[str]:
    return [line for line in text.splitlines()
            if line and not line.startswith("#") and line.split()[1].split("::")[0] in files]


def test_every_check_is_listed(request: pytest.FixtureRequest, collected_checks: str) -> None:
    """tests/checks.txt lists each check this run collected, its depth and
    how many cases it has; for the test files collected, nothing more."""
    files = {item.nodeid.split("::")[0] for item in request.session.items} | {
        line.split()[1].split("::")[0] for line in collected_checks.splitlines() if line and line[0] != "#"}
    want, have = listed(collected_checks, files), listed(CHECKS.read_text(), files)
    gone, new = sorted(set(have) - set(want)), sorted(set(want) - set(have))
    assert not gone and not new, (
        "tests/checks.txt is out of date (rewrite it with `pytest --update-checks` and say why in the commit):\n"
        + "".join(f"  no longer: {line}\n" for line in gone) + "".join(f"  now:       {line}\n" for line in new)
    )


@pytest.mark.parametrize(("nodeid", "page", "yes"), [
    ("tests/test_flask.py::test_x", "flask", True),
    ("tests/test_walkthroughs.py::test_as_reader[flask.items.serve]", "flask", True),
    ("tests/test_site.py::test_highlighted_lines_exist[flask.md]", "flask", True),
    ("tests/test_browser.py::test_page_has_no_serious_accessibility_violation[flask-dark]", "flask", True),
    ("tests/test_site.py::test_strict_build", "flask", True),
    ("tests/test_walkthroughs.py::test_as_reader[compare.flask.dev]", "flask", False),
    ("tests/test_walkthroughs.py::test_as_reader[compare.flask.dev]", "compare-flask", True),
    ("tests/test_compare.py::test_schemathesis_in_process[flask]", "flask", False),
    ("tests/test_compare.py::test_schemathesis_in_process[flask]", "compare-flask", True),
    ("tests/test_compare.py::test_page_says_what_each_tab_shows", "compare", True),
    ("tests/test_features.py::test_dependency_count[flask]", "flask", False),
    ("tests/test_features.py::test_dependency_count[flask]", "features", True),
    ("tests/test_performance.py::test_a_page_that_speaks_of_speed_links_to_the_performance_page[flask.md]",
     "flask", True),
    ("tests/test_lock.py::test_install_line_gives_what_was_verified[flask.hello.install:flask-3.11]", "flask", True),
    ("tests/test_registry.py::test_entry_is_complete[flask]", "flask", True),
    ("tests/test_registry.py::test_entry_is_complete[flask]", "fastapi", False),
    ("tests/test_walkthroughs.py::test_as_reader[fastapi.items.serve]", "flask", False),
])
def test_one_page_keeps_its_checks(nodeid: str, page: str, yes: bool) -> None:
    assert on_page(nodeid, page) is yes
