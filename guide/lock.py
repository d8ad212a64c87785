"""The lock (`requirements.lock`) and the supported Pythons (`pyproject.toml`).

One universal lock serves every supported Python: where Pythons need different
releases (Django 6 needs 3.12 or newer), it pins each with an environment
marker. `pins(python)` reads what it gives one Python, which is what the
verification on that Python runs with.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tomllib

from packaging.markers import Marker
from packaging.utils import canonicalize_name
from packaging.version import Version

from guide.paths import ROOT

LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;]+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def supported_pythons() -> list[str]:
    """The supported Python versions, oldest first: pyproject.toml's classifiers."""
    classifiers = tomllib.loads(PYPROJECT.read_text())["project"]["classifiers"]
    found = [c.rpartition(" :: ")[2] for c in classifiers if c.startswith("Programming Language :: Python :: 3.")]
    return sorted(found, key=Version)


def environment(python: str) -> dict[str, str]:
    """The marker environment of a Linux CPython `python` ("3.12" or "3.12.1")."""
    full = python if python.count(".") == 2 else f"{python}.0"
    return {
        "python_version": ".".join(full.split(".")[:2]), "python_full_version": full,
        "implementation_name": "cpython", "platform_python_implementation": "CPython",
        "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64",
        "extra": "",
    }


def pins(python: str) -> dict[str, Version]:
    """What the lock installs on `python`: canonical name to version."""
    found = {}
    for line in LOCK.read_text().splitlines():
        pin = _PIN.match(line)
        if pin and (not pin["marker"] or Marker(pin["marker"]).evaluate(environment(python))):
            found[canonicalize_name(pin["name"])] = Version(pin["version"])
    return found


def interpreter(version: str) -> str | None:
    """An interpreter for `version` ("3.12") installed here that really runs
    (under pyenv or on PATH; a pyenv shim for a version that is installed but
    not selected does not)."""
    pyenv = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    for candidate in [*reversed(pyenv), shutil.which(f"python{version}")]:
        if candidate and subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return candidate
    return None
