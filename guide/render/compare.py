"""The Compare section's generated parts, from `guide/compare.yml` and the
Items API files:

```text
{{ lines("flask") }}       the non-blank lines of a framework's Items API, in a sentence
{{ contract_errors() }}    the table of what each error of the contract says
{{ server_answers() }}     the table of what each server answers to malformed requests
```

The line count is the feature matrix's (`guide.render.features.lines`), so
both pages count a file the same way.
"""

from __future__ import annotations

from guide import compare, registry
from guide.render import features
from guide.walkthroughs import step


def lines(key: str) -> str:
    """The non-blank lines of the framework's Items API (`snippets/compare/<key>/app.py`)."""
    return str(features.lines(key))


def contract_errors() -> str:
    """Each error the contract sends: its status, when, and its exact text."""
    rows = ["| Status | When | `error` says |", "|---|---|---|"]
    rows += [f"| {e.status} | {e.when} | `{e.text}` |" for e in compare.errors().values()]
    return "\n".join(rows)


def server_answers() -> str:
    """Each server the Compare pages start, and its answer to each malformed request."""
    requests = compare.raw_requests()
    rows = [
        "| Server | " + " | ".join(r.what[0].upper() + r.what[1:] for r in requests.values()) + " |",
        "|---|" + "---|" * len(requests),
    ]
    for server in compare.servers().values():
        cells = [str(server.answers[key]) for key in requests]
        rows.append(f"| {server.name} ({_serving(server)}) | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _serving(server: compare.Server) -> str:
    """Whose Items API a server runs: `Flask, Django and Bottle in production`."""
    steps: dict[str, set[str]] = {}
    for ref in server.runs:
        w, s = step(ref)
        steps.setdefault(registry.framework_of(w).name, set()).add(s.id)
    names = list(steps)
    said = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    kinds = set.union(*steps.values())
    return said if kinds == {"dev", "prod"} else f"{said} in {'production' if kinds == {'prod'} else 'development'}"
