"""Importing code by its path: the snippets, the article's code and the bare
frameworks are files in folders that are not on `sys.path`, and putting their
folders there would let one page's `app` or `posts` stand in for another's."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def import_file(path: Path, name: str) -> ModuleType:
    """Run `path` as a fresh module called `name`, registered in `sys.modules`
    (dataclasses and pickling look their module up there)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def import_folder(folder: Path, name: str) -> ModuleType:
    """A folder without `__init__.py` as the package `name`, as Python makes one
    of such a folder on `sys.path`: `import name.models` then finds its files."""
    spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
    spec.submodule_search_locations = [str(folder)]
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    return module
