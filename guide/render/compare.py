"""The Compare section's generated parts, from `guide/compare.yml` and the
Items API files:

```text
{{ lines("flask") }}       the non-blank lines of a framework's Items API, in a sentence
{{ contract_errors() }}    the table of what each error of the contract says
{{ server_answers() }}     the table of what each server answers to malformed requests
{{ handled() }}            the table of who handled the bad input
{{ handled("flask") }}     one framework's note: what it did, what its file does by hand
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
    said = _listed(list(steps))
    kinds = set.union(*steps.values())
    return said if kinds == {"dev", "prod"} else f"{said} in {'production' if kinds == {'prod'} else 'development'}"


def handled(key: str | None = None) -> str:
    """The table of who handled each kind of bad input, or one framework's note."""
    rows = compare.handled().values()
    names = {k: fw.name for k, fw in registry.frameworks().items()}
    if key is None:
        out = ["| Bad input | " + " | ".join(names.values()) + " |", "|---|" + "---|" * len(names)]
        out += [f"| {row.input} | " + " | ".join(str(row.cells[k]) for k in names) + " |" for row in rows]
        return "\n".join(out)
    name = names[key]
    did = [f"- {row.what}" + (f" ({row.cells[key].note})" if row.cells[key].note else "")
           for row in rows if row.cells[key].built_in]
    by_hand = [f"- {row.what} ({row.cells[key].note})" for row in rows if not row.cells[key].built_in]
    return "\n".join([f"{name} did:", "", *(did or ["- none of these"]), "",
                      f"By hand (in brackets, what {name} does alone):", "", *(by_hand or ["- nothing"])])


def _listed(parts: list[str]) -> str:
    """`a, b and c`."""
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + (parts[-1] if parts else "")
