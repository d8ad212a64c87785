"""Install lines that install what was verified.

Every `pip install` line on every page is checked against the lock for every
supported Python: the lock's version must be one the line installs, and the
line must not hold a reader below it (an upper bound would give them an older
release than the one verified, as `Django<5.3` did on Python 3.12). And no
requirement in pyproject.toml has an upper bound without the reason beside it.
"""

from __future__ import annotations

import re
import shlex

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from guide.lock import PYPROJECT, pins, supported_pythons
from guide.walkthroughs import walkthroughs

UPPER = {"<", "<=", "==", "===", "~="}
"""Operators that keep newer releases out."""


def install_lines() -> list:
    found = []
    for w in walkthroughs():
        for step in w.steps:
            for command in step.commands:
                words = shlex.split(command.line)
                if words[1:4] == ["-m", "pip", "install"]:
                    found += [pytest.param(w.page_file, word, id=f"{w.id}.{step.id}:{word}")
                              for word in words[4:] if not word.startswith("-")]
    return found


@pytest.mark.parametrize("python", supported_pythons())
@pytest.mark.parametrize(("page", "requirement"), install_lines())
def test_install_line_gives_what_was_verified(page: str, requirement: str, python: str) -> None:
    req = Requirement(requirement)
    locked = pins(python).get(canonicalize_name(req.name))
    assert locked, f"{page}: `pip install {requirement}` names {req.name}, which the lock has not for Python {python}"
    capped = [str(s) for s in req.specifier if s.operator in UPPER]
    assert not capped, (
        f"{page}: `pip install {requirement}` caps {req.name} ({', '.join(capped)}), which keeps a reader "
        f"from {locked}, the release verified on Python {python}, or from the next one"
    )
    assert req.specifier.contains(locked, prereleases=True), (
        f"{page}: `pip install {requirement}` would not install {req.name} {locked}, the release verified "
        f"on Python {python}"
    )


def test_every_cap_in_pyproject_says_why() -> None:
    """A requirement with an upper bound has a comment right above it, starting
    "Held back", that says which newer release breaks the guide and how."""
    lines = PYPROJECT.read_text().splitlines()
    unexplained = []
    for i, line in enumerate(lines):
        quoted = re.fullmatch(r'\s*"([^"]+)",?\s*', line)
        if not quoted:
            continue
        try:
            req = Requirement(quoted[1])
        except ValueError:
            continue
        if any(s.operator in UPPER for s in req.specifier) and not lines[i - 1].strip().startswith("# Held back"):
            unexplained.append(quoted[1])
    assert not unexplained, f"pyproject.toml caps {unexplained} without a `# Held back: why` comment above"


def test_the_check_sees_a_cap() -> None:
    """The install-line check fails on a capped line, as it did on Django's."""
    with pytest.raises(AssertionError, match="caps Django"):
        test_install_line_gives_what_was_verified("docs/django.md", "Django>=5.2,<5.3", supported_pythons()[-1])
