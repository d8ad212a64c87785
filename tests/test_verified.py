"""The "Verified" box claims exactly what the verification records show: each
Python a run was recorded on, the versions that run had installed, and how the
page's checks went; and, where no run is recorded, nothing at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guide import paths, record
from guide.render.verified import box, installed_by


@pytest.fixture
def records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty records folder, as in a build with no run recorded."""
    monkeypatch.setattr(paths, "RECORDS", tmp_path)
    return tmp_path


def recorded(folder: Path, python: str, versions: dict[str, str], pages: dict[str, tuple[int, int]]) -> None:
    (folder / f"python-{python}.json").write_text(json.dumps({
        "python": python, "finished": "2026-12-01T10:00:00+00:00", "versions": versions,
        "pages": {p: {"passed": ok, "failed": bad, "finished": "2026-12-01T10:00:00+00:00"}
                  for p, (ok, bad) in pages.items()},
    }))


def test_no_record_no_claim(records: Path) -> None:
    text = box("flask")
    assert text.startswith('!!! warning "Not verified in this build"') and "Flask 3" not in text


def test_runs_with_the_same_versions_are_named_together(records: Path) -> None:
    recorded(records, "3.11.7", {"django": "5.2.19", "gunicorn": "23.0.0"}, {"django": (40, 0)})
    recorded(records, "3.12.1", {"django": "6.1.3", "gunicorn": "23.0.0"}, {"django": (41, 0)})
    recorded(records, "3.13.0", {"django": "6.1.3", "gunicorn": "23.0.0"}, {"django": (41, 0)})
    title = box("django").split("\n")[0]
    assert title == '!!! success "Verified: Django 6.1.3 on Python 3.12 and 3.13; Django 5.2.19 on Python 3.11"', title
    assert "| 3.11.7 | Django 5.2.19 | all 40 passed | 2026-12-01 |" in box("django")


def test_a_failure_is_said(records: Path) -> None:
    recorded(records, "3.11.7", {"flask": "3.1.3", "pytest": "9.2.0"}, {"flask": (15, 2)})
    text = box("flask")
    assert text.startswith('!!! failure "Verified: ') and "2 of 17 FAILED" in text


def test_a_run_that_did_not_check_the_page_is_not_claimed(records: Path) -> None:
    recorded(records, "3.12.1", {"flask": "3.1.3"}, {"tornado": (8, 0)})
    assert box("flask").startswith('!!! warning "Not verified in this build"')


def test_a_record_keeps_other_pages_only_with_the_same_versions(records: Path) -> None:
    """A partial run keeps the other pages' results unless what is installed changed."""
    record.write({"flask": {"passed": 3, "failed": 0}}, python="3.11.7")
    record.write({"tornado": {"passed": 2, "failed": 0}}, python="3.11.7")
    kept = json.loads((records / "python-3.11.7.json").read_text())["pages"]
    assert set(kept) == {"flask", "tornado"}
    stale = json.loads((records / "python-3.11.7.json").read_text())
    stale["versions"]["flask"] = "0.1"
    (records / "python-3.11.7.json").write_text(json.dumps(stale))
    record.write({"tornado": {"passed": 2, "failed": 0}}, python="3.11.7")
    assert set(json.loads((records / "python-3.11.7.json").read_text())["pages"]) == {"tornado"}


def test_the_box_names_what_the_page_installs() -> None:
    assert installed_by("flask")[0] == "flask" and installed_by("django")[0].lower() == "django"
