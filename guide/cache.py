"""Results kept while the files they were made from stay unchanged.

`make serve` expands every page's markers on every edit (guide/serve.py), to
find the page the edit changed, and a few markers read a lot to render (every
installed distribution's metadata, every module's docstring). Keyed on the
modification times of the files they read, their results are reused until one
of those files changes, so an edit shows sooner.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from guide.paths import ROOT

F = TypeVar("F", bound=Callable[..., Any])


def unless_changed(*patterns: str) -> Callable[[F], F]:
    """Reuse a function's result while no file matching `patterns` (globs
    under the repository root) is added, removed or modified."""

    def wrap(function: F) -> F:
        # One result per set of arguments, with the file versions it was made
        # from: a page that calls the function with two different arguments
        # keeps both results, and a changed file replaces them one by one.
        results: dict[tuple[Any, ...], tuple[tuple[tuple[str, int], ...], Any]] = {}

        @functools.wraps(function)
        def cached(*args: Any) -> Any:
            files = tuple(sorted((str(p), p.stat().st_mtime_ns) for pattern in patterns for p in ROOT.glob(pattern)))
            if args not in results or results[args][0] != files:
                results[args] = (files, function(*args))
            return results[args][1]

        return cached  # type: ignore[return-value]

    return wrap
