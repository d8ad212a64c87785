"""The project's layout as a tree, one line per module, for the verification page:

```text
{{ layout() }}
```

Each line is a file and the first sentence of its docstring (or of the
comment that opens a data file), read from the checkout that builds the site,
so the tree cannot fall behind the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

from guide.cache import unless_changed
from guide.paths import ROOT

FOLDERS = ("guide", "bench", "scripts", "tests")
"""The folders of code, in the order the tree shows them."""
SKIP = {"__pycache__", "results.json"}


def summary(path: Path) -> str:
    """The first sentence of a file's docstring, or of its opening comment."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        doc = ast.get_docstring(ast.parse(text)) or ""
    else:
        comment = []
        for line in text.splitlines():
            if not line.startswith(("#", "//")):
                break
            comment.append(line.lstrip("#/ ").strip())
        doc = " ".join(comment)
    first = " ".join(doc.split("\n\n")[0].split())
    sentence = first.split(". ")[0].rstrip(".:")
    return sentence.replace("`", "")


def _entries(folder: Path, prefix: str) -> list[tuple[str, str]]:
    children = sorted(
        (p for p in folder.iterdir() if p.name not in SKIP and not p.name.startswith(".")),
        key=lambda p: (p.is_dir(), p.name),
    )
    lines = []
    for i, child in enumerate(children):
        last = i == len(children) - 1
        branch = "└── " if last else "├── "
        if child.is_dir():
            lines.append((f"{prefix}{branch}{child.name}/", ""))
            lines += _entries(child, prefix + ("    " if last else "│   "))
        else:
            lines.append((f"{prefix}{branch}{child.name}", summary(child)))
    return lines


@unless_changed("guide/**/*", "bench/**/*", "scripts/*", "tests/*")
def tree() -> str:
    """A text block: every file of the code folders and what it is for."""
    rows: list[tuple[str, str]] = []
    for name in FOLDERS:
        rows.append((f"{name}/", ""))
        rows += _entries(ROOT / name, "")
    width = max(len(left) for left, _ in rows) + 2
    body = "\n".join(f"{left:<{width}}{right}".rstrip() for left, right in rows)
    return f'```text title="The layout"\n{body}\n```'
