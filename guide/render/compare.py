"""The Compare section's generated parts:

```text
{{ lines("flask") }}      the non-blank lines of a framework's Items API, in a sentence
```

The line count is the feature matrix's (`guide.render.features.lines`), so
both pages count a file the same way.
"""

from __future__ import annotations

from guide.render import features


def lines(key: str) -> str:
    """The non-blank lines of the framework's Items API (`snippets/compare/<key>/app.py`)."""
    return str(features.lines(key))
