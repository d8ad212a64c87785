"""The Performance page (`docs/performance.md`), rendered from
`bench/results.json`, the output of `make bench` (`python -m bench`).

Every marker `{{ perf("name") }}` on that page is a figure inline in a
sentence or, alone on its line, a table or a bar chart. No figure on the page
is typed: each is read from the results file, so a new benchmark run changes
the page and nothing else. Names of frameworks and benchmark targets come from
the registry.

`PERF_RESULTS` (an environment variable) points the page at another results
file, for trying it on a sample; the committed page reads `bench/results.json`.
`tests/test_performance.py` renders the page from the data and checks every
quoted figure against it.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from guide import registry
from guide.paths import BENCH
from guide.render.charts import Bar, bar_chart, table
from guide.render.charts import figure as chart_figure

PAGE = "performance.md"
RESULTS = BENCH / "results.json"
HELLO = "/items/1"
"""The endpoint the headline figures use: one small JSON object."""

RIVALS = 0.8
""""Rivals" taken generously: at least this fraction of the reference's requests/s."""


def results_path() -> Path:
    """The results file: `$PERF_RESULTS` if set, else `bench/results.json`."""
    return Path(os.environ.get("PERF_RESULTS") or RESULTS)


def load(path: Path | None = None) -> dict[str, Any]:
    path = path or results_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"{PAGE} is rendered from {path}, which does not exist: run `make bench` "
            "(python -m bench) to measure, or set PERF_RESULTS to a results file"
        )
    return _parse(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _parse(path: Path, mtime: int) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("mode") == "smoke" and not os.environ.get("PERF_RESULTS"):
        raise ValueError(f"{PAGE}: {path} holds a --smoke run; the page needs a full run")
    return data


def name(key: str) -> str:
    """How the page names a framework or a benchmark target."""
    return registry.label(key)


def anchor(key: str) -> str:
    """The id of a framework's row in the "Every figure" table: `perf-django`, ..."""
    return f"perf-{key}"


# --------------------------------------------------------------------------
# Numbers as the page prints them (the tests format with the same functions)
# --------------------------------------------------------------------------


def fmt_int(x: float) -> str:
    return f"{round(x):,}"


def fmt_ms(x: float) -> str:
    return f"{x:.2f} ms" if x < 10 else f"{x:.1f} ms"


def fmt_s(x: float) -> str:
    return f"{x:.2f} s"


def fmt_mib(x: float) -> str:
    return f"{x:.1f} MiB"


def fmt_pct(x: float) -> str:
    return f"{x * 100:.0f}%"


# --------------------------------------------------------------------------
# Reading the data
# --------------------------------------------------------------------------


def servers(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every measured server: frameworks first, then their variants (extra rows,
    other servers), then the references that ran."""
    out = {k: v for k, v in data["frameworks"].items()}
    for key, var in (data.get("variants") or {}).items():
        if var and "port" in var:
            out[key] = var
    for key, ref in data.get("references", {}).items():
        if ref and ref.get("available", True) and "port" in ref:
            out[key] = ref
    return out


def endpoint(server: dict[str, Any], path: str = HELLO) -> dict[str, Any] | None:
    return (server.get("endpoints") or {}).get(path)


def rps(data: dict[str, Any], key: str, path: str = HELLO) -> float | None:
    ep = endpoint(servers(data).get(key, {}), path)
    return ep["requests_per_s_median"] if ep else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def unmeasured(data: dict[str, Any], key: str) -> str:
    """Why a reference has no figure: it failed, or it did not run."""
    ref = data.get("references", {}).get(key) or {}
    why = ref.get("error") or ref.get("note") or "it did not run"
    return f"{name(key)} was not measured in this run ({why.splitlines()[0][:160]})"


def _need(value: Any, what: str) -> Any:
    if value is None:
        raise LookupError(f"{PAGE}: the results file has no {what}")
    return value


# --------------------------------------------------------------------------
# The blocks
# --------------------------------------------------------------------------


def _ranked(data: dict[str, Any], path: str = HELLO) -> list[str]:
    have = {k: s for k, s in servers(data).items() if endpoint(s, path)}
    return sorted(have, key=lambda k: -endpoint(have[k], path)["requests_per_s_median"])


def chart_rps(data: dict[str, Any], path: str = HELLO) -> str:
    rows = []
    for key in _ranked(data, path):
        ep = endpoint(servers(data)[key], path)
        rows.append(Bar(name(key), ep["requests_per_s_median"], ep["requests_per_s_min"],
                        ep["requests_per_s_max"], key not in data["frameworks"]))
    n = data["method"]["repetitions"]
    return chart_figure(
        bar_chart(f"Requests per second, GET {path}", rows, "requests/s (bar: median; whisker: min to max)",
                  fmt_int),
        f"GET {path}: median requests/s of {n} runs, whisker from the slowest to the fastest run. "
        "Pale bars are reference points and server variants, not the Compare page's own commands.",
    )


def chart_latency(data: dict[str, Any], path: str = HELLO) -> str:
    rows = []
    for key in _ranked(data, path):
        ep = endpoint(servers(data)[key], path)
        rows.append(Bar(f"{name(key)} p50", ep["latency_p50_ms_median"]))
        rows.append(Bar(f"{name(key)} p99", ep["latency_p99_ms_median"], reference=True))
    return chart_figure(
        bar_chart(f"Latency, GET {path}", rows, "milliseconds (median over runs)", fmt_ms),
        f"GET {path} at {data['method']['concurrency']} connections: median and 99th-percentile "
        "latency as wrk reports them (median over runs).",
    )


def _server_rows(data: dict[str, Any], field: str) -> list[Bar]:
    rows = [Bar(name(k), s[field], reference=k not in data["frameworks"])
            for k, s in servers(data).items() if s.get(field) is not None]
    return sorted(rows, key=lambda bar: bar.value)


def chart_cold_start(data: dict[str, Any]) -> str:
    return chart_figure(
        bar_chart("Cold start", _server_rows(data, "cold_start_s"), "seconds", fmt_s),
        "From starting the page's command to the first 200 from GET /items/1 (one run).",
    )


def chart_memory(data: dict[str, Any]) -> str:
    return chart_figure(
        bar_chart("Peak memory", _server_rows(data, "peak_rss_mib"), "MiB (RSS, whole process group)", fmt_mib),
        "Peak resident memory of the server's whole process group during the load "
        "(gunicorn counts its arbiter and its worker).",
    )


def table_results(data: dict[str, Any]) -> str:
    paths = data["method"]["endpoints"]
    head = ["Server", "Command"]
    for p in paths:
        head += [f"{p} req/s (min–max)", f"{p} p50 / p99"]
    head += ["Errors", "Cold start", "Peak RSS"]
    lines = [table(head, [])]
    for key, s in servers(data).items():
        # Each framework's row carries an anchor (`#perf-<framework>`) its own page links to.
        if key in data["frameworks"]:
            label = f'<span id="{anchor(key)}"></span>**{name(key)}**'
        else:
            label = name(key) + (" [variant]" if key in (data.get("variants") or {}) else "")
        cells = [label, f"`{s['command']}`"]
        errors = 0
        for p in paths:
            ep = endpoint(s, p)
            if ep:
                cells += [
                    (
                        f"{fmt_int(ep['requests_per_s_median'])} ({fmt_int(ep['requests_per_s_min'])}–"
                        f"{fmt_int(ep['requests_per_s_max'])})"
                    ),
                    f"{fmt_ms(ep['latency_p50_ms_median'])} / {fmt_ms(ep['latency_p99_ms_median'])}",
                ]
                errors += ep["errors"] + ep["timeouts"]
            else:
                cells += ["failed" if "error" in s else "–", "–"]
        cells += [
            fmt_int(errors),
            fmt_s(s["cold_start_s"]) if s.get("cold_start_s") is not None else "–",
            fmt_mib(s["peak_rss_mib"]) if s.get("peak_rss_mib") is not None else "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _slow(data: dict[str, Any], who: str, n: int | str) -> dict[str, Any] | None:
    return (((data.get("slow_requests") or {}).get(who) or {}).get("levels") or {}).get(str(n))


def table_slow(data: dict[str, Any]) -> str:
    head = ["Server", "Simultaneous requests", "Completed", "Unfinished at the timeout",
            "Last answer after", "p50 time", "Errors", "Peak RSS"]
    lines = [table(head, [])]
    for who, result in (data.get("slow_requests") or {}).items():
        for n, lvl in result.get("levels", {}).items():
            errors = sum((lvl.get("errors") or {}).values())
            last = lvl.get("seconds_to_last_completion")
            p50 = (lvl.get("latency_s") or {}).get("p50")
            rss = lvl.get("peak_rss_mib", result.get("peak_rss_mib"))
            lines.append("| " + " | ".join([
                f"{name(who)} (`{result['command']}`)", fmt_int(int(n)),
                fmt_int(lvl.get("completed", 0)),
                f"{fmt_int(lvl.get('unfinished_at_timeout', 0))} (at {fmt_s(lvl.get('timeout_s', 0))})",
                fmt_s(last) if last is not None else "–", fmt_s(p50) if p50 is not None else "–",
                fmt_int(errors), fmt_mib(rss) if rss is not None else "–",
            ]) + " |")
    return "\n".join(lines)


def _ws(data: dict[str, Any]) -> dict[str, Any]:
    return (((data.get("websockets") or {}).get("tornado") or {}).get("levels")) or {}


WS_UNMEASURED = "WebSocket connections were not measured in this run"


def table_ws(data: dict[str, Any]) -> str:
    levels = _ws(data)
    if not levels:
        return ""  # the verdict above already says so
    command = data["websockets"]["tornado"]["command"]
    head = ["Server", "Simultaneous WebSockets", "Echoed", "Open at once", "Last echo after",
            "Errors", "Peak RSS"]
    lines = [table(head, [])]
    for n, lvl in levels.items():
        last = lvl.get("seconds_to_last_echo")
        rss = lvl.get("peak_rss_mib")
        lines.append("| " + " | ".join([
            f"Tornado (`{command}`, `/ws`)", fmt_int(int(n)), fmt_int(lvl.get("echoed", 0)),
            fmt_int(lvl.get("peak_open", 0)), fmt_s(last) if last is not None else "–",
            fmt_int(sum((lvl.get("errors") or {}).values())), fmt_mib(rss) if rss is not None else "–",
        ]) + " |")
    return "\n".join(lines)


def verdict_ws(data: dict[str, Any]) -> str:
    levels = _ws(data)
    if not levels:
        return f"**Not measured in this run**: {WS_UNMEASURED}."
    parts = []
    for n, lvl in levels.items():
        if lvl.get("all_echoed"):
            parts.append(f"{fmt_int(int(n))} simultaneous WebSockets: all echoed, the last after "
                         f"{fmt_s(lvl['seconds_to_last_echo'])}")
        else:
            parts.append(f"{fmt_int(int(n))} simultaneous WebSockets: {fmt_int(lvl.get('echoed', 0))} of "
                         f"{fmt_int(int(n))} echoed within {fmt_s(lvl['timeout_s'])}")
    held = all(lvl.get("all_echoed") for lvl in levels.values())
    if max(map(int, levels)) < 1000:
        head = "**Not tested here**: this run stopped below a thousand"
    else:
        head = "**Holds here**" if held else "**Holds only in part here**"
    return f"{head}: one Tornado process, " + "; ".join(parts) + "."


def variants_note(data: dict[str, Any]) -> str:
    measured = data.get("variants") or {}
    parts = []
    for key, variant in registry.variants().items():
        label, fw = name(key), variant.framework or ""
        mine, own = rps(data, key), rps(data, fw)
        if not mine:
            why = (measured.get(key) or {}).get("error") or "it did not run"
            parts.append(f"{label}: not measured in this run ({why.splitlines()[0][:160]})")
        elif own:
            parts.append(f"{label}: {fmt_int(mine)} requests/s on GET {HELLO}, {fmt_pct(mine / own)} of "
                         f"{name(fw)}'s own command ({fmt_int(own)})")
        else:
            parts.append(f"{label}: {fmt_int(mine)} requests/s on GET {HELLO}")
    return "; ".join(parts)


def chart_slow(data: dict[str, Any]) -> str:
    rows = []
    for who, result in (data.get("slow_requests") or {}).items():
        for n, lvl in result.get("levels", {}).items():
            rows.append(Bar(f"{name(who)}, {fmt_int(int(n))}", lvl.get("completed", 0) / int(n),
                            reference=who != "tornado"))
    return chart_figure(
        bar_chart("Slow requests completed", rows, "share of the simultaneous requests answered in time",
                  fmt_pct),
        f"Each request waits one second in the server; the client gives up after "
        f"{fmt_s(data['method']['slow_timeout_s'])}.",
    )


def table_machine(data: dict[str, Any]) -> str:
    m, sw = data["machine"], data.get("software", {})
    pk = sw.get("packages", {})
    rows = [
        ("Date", data["date"]),
        ("CPU", f"{m.get('cpu_model')}, {m.get('usable_cores')} usable cores of {m.get('cores')}"),
        ("RAM", f"{m.get('memory_gib')} GiB"),
        ("OS", m.get("os")),
        ("Load average at start / end", f"{m.get('loadavg_at_start')} / {m.get('loadavg_at_end', '–')}"),
        ("Python", f"{sw.get('python')} ({sw.get('python_implementation', 'CPython')})"),
        ("Packages", ", ".join(f"{k} {v}" for k, v in pk.items())),
        ("Node.js", sw.get("node", "–")),
        ("Go", sw.get("go", "–")),
        ("Load generator", f"{sw.get('wrk', 'wrk')}"),
    ]
    return "| | |\n|---|---|\n" + "\n".join(f"| {k} | {escape(str(v))} |" for k, v in rows)


def table_method(data: dict[str, Any]) -> str:
    m = data["method"]
    rows = [
        ("Load", (f"`{m['wrk_command'].format(**m)}`, {m['warmup_s']} s warm-up, then "
                  f"{m['repetitions']} runs of {m['duration_s']} s per endpoint")),
        ("Endpoints", ", ".join(f"`GET {p}`" for p in m["endpoints"])),
        ("Servers", m.get("servers", "")),
        ("Cold start", m.get("cold_start", "")),
        ("Memory", m.get("peak_rss", "")),
        ("Slow requests", m.get("slow_requests", "") + f"; levels {', '.join(map(str, m['slow_levels']))}, "
                          f"each bounded by {fmt_s(m['slow_timeout_s'])}"),
        ("WebSockets", (m.get("websockets", "") + f"; levels {', '.join(map(str, m['ws_levels']))}, "
                        f"each bounded by {fmt_s(m['ws_timeout_s'])}") if m.get("ws_levels")
                       else WS_UNMEASURED),
        ("Sharing", m.get("machine_shared", "")),
    ]
    return "| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)


# --------------------------------------------------------------------------
# Inline figures and the two claims
# --------------------------------------------------------------------------


def fastapi_vs(data: dict[str, Any], ref: str) -> str:
    fa = _need(rps(data, "fastapi"), f"FastAPI requests/s on GET {HELLO}")
    other = rps(data, ref)
    if not other:
        return f"{fmt_int(fa)} requests/s; {unmeasured(data, ref)}"
    return (f"{fmt_int(fa)} requests/s against {fmt_int(other)} for {name(ref)}, "
            f"{fmt_pct(fa / other)} of it")


def verdict_rivals(data: dict[str, Any]) -> str:
    fa = _need(rps(data, "fastapi"), "FastAPI requests/s")
    node = rps(data, "node_http")
    go = data.get("references", {}).get("go") or {}
    parts = []
    if node:
        holds = fa / node >= RIVALS
        parts.append(
            f"**{'Holds' if holds else 'Does not hold'} against Node here**: FastAPI served "
            f"{fmt_pct(fa / node)} of Node's requests/s (\"rivals\" is read as at least {fmt_pct(RIVALS)})."
        )
    else:
        parts.append("**Not tested against Node**: Node was not measured in this run.")
    if rps(data, "go"):
        holds = fa / rps(data, "go") >= RIVALS
        parts.append(f"**{'Holds' if holds else 'Does not hold'} against Go**: "
                     f"{fmt_pct(fa / rps(data, 'go'))} of Go's requests/s.")
    else:
        parts.append(f"**Not tested against Go**: {go.get('note', 'Go was not measured')}.")
    return " ".join(parts)


def verdict_thousands(data: dict[str, Any]) -> str:
    levels = (data.get("slow_requests", {}).get("tornado") or {}).get("levels") or {}
    _need(levels or None, "slow-request results for Tornado")
    parts = []
    for n, lvl in levels.items():
        ok = lvl.get("all_completed") and not sum((lvl.get("errors") or {}).values())
        parts.append(
            f"{fmt_int(int(n))} simultaneous one-second requests: "
            + (f"all answered, the last after {fmt_s(lvl['seconds_to_last_completion'])}" if ok else
               f"{fmt_int(lvl['completed'])} of {fmt_int(int(n))} answered within {fmt_s(lvl['timeout_s'])}")
        )
    held = all(lvl.get("all_completed") for lvl in levels.values())
    if max(map(int, levels)) < 1000:
        head = "**Not tested here**: this run stopped below a thousand"
    elif held:
        head = "**Holds here**"
    else:
        head = "**Holds only in part here**"
    return f"{head}: one Tornado process, " + "; ".join(parts) + "."


def sync_worker(data: dict[str, Any]) -> str:
    levels = (data.get("slow_requests", {}).get("gunicorn_sync_flask") or {}).get("levels") or {}
    _need(levels or None, "slow-request results for the sync worker")
    return "; ".join(
        f"of {fmt_int(int(n))}, {fmt_int(lvl['completed'])} answered within {fmt_s(lvl['timeout_s'])}"
        for n, lvl in levels.items()
    )


def access_log_cost(data: dict[str, Any]) -> str:
    fa = _need(rps(data, "fastapi"), "FastAPI requests/s")
    quiet = rps(data, "fastapi_no_access_log")
    if not quiet:
        return unmeasured(data, "fastapi_no_access_log")
    return (f"without it, FastAPI made {fmt_int(quiet)} requests/s against {fmt_int(fa)} with it "
            f"({fmt_pct(quiet / fa - 1)} more)")


def fastest(data: dict[str, Any]) -> str:
    ranked = [k for k in _ranked(data) if k in data["frameworks"]]
    top, bottom = ranked[0], ranked[-1]
    return (f"{name(top)} at {fmt_int(rps(data, top))} requests/s to {name(bottom)} at "
            f"{fmt_int(rps(data, bottom))}, a factor of {rps(data, top) / rps(data, bottom):.1f}")


def noisiest(data: dict[str, Any]) -> str:
    spreads = {}
    for k, s in servers(data).items():
        ep = endpoint(s)
        if ep and ep["requests_per_s_median"]:
            spreads[k] = (ep["requests_per_s_max"] - ep["requests_per_s_min"]) / ep["requests_per_s_median"]
    k = max(spreads, key=spreads.__getitem__)
    return f"{fmt_pct(spreads[k])} of the median, for {name(k)}"


def load_note(data: dict[str, Any]) -> str:
    load = data["machine"]["loadavg_at_start"][0]
    busy = load >= 1
    return f"{load:.2f}" + (", so other work was running on the machine too" if busy else "")


def bare_vs_node(data: dict[str, Any]) -> str:
    bare, node = rps(data, "bare_asgi_uvicorn"), rps(data, "node_http")
    if not bare:
        return unmeasured(data, "bare_asgi_uvicorn")
    if not node:
        return f"it served {fmt_int(bare)} requests/s; {unmeasured(data, 'node_http')}"
    return f"it served {fmt_int(bare)} requests/s, {fmt_pct(bare / node)} of Node's {fmt_int(node)}"


def hello_vs_node(data: dict[str, Any]) -> str:
    hello, node = rps(data, "fastapi_hello_async"), rps(data, "node_http")
    if not hello:
        return unmeasured(data, "fastapi_hello_async")
    if not node:
        return f"it served {fmt_int(hello)} requests/s; {unmeasured(data, 'node_http')}"
    return f"it served {fmt_int(hello)} requests/s, {fmt_pct(hello / node)} of Node's {fmt_int(node)}"


def errors_total(data: dict[str, Any]) -> str:
    total = sum(ep["errors"] + ep["timeouts"] for s in servers(data).values()
                for ep in (s.get("endpoints") or {}).values())
    return fmt_int(total)


FIGURES: dict[str, Callable[[dict[str, Any]], str]] = {
    # blocks: alone on their line
    "rps_chart": chart_rps,
    "rps_chart_items": lambda d: chart_rps(d, "/items"),
    "latency_chart": chart_latency,
    "cold_start_chart": chart_cold_start,
    "memory_chart": chart_memory,
    "results_table": table_results,
    "slow_table": table_slow,
    "slow_chart": chart_slow,
    "ws_table": table_ws,
    "machine_table": table_machine,
    "method_table": table_method,
    # inline figures
    "date": lambda d: d["date"][:10],
    "cores": lambda d: fmt_int(d["machine"]["usable_cores"]),
    "concurrency": lambda d: fmt_int(d["method"]["concurrency"]),
    "repetitions": lambda d: fmt_int(d["method"]["repetitions"]),
    "duration": lambda d: fmt_int(d["method"]["duration_s"]),
    "loadavg": load_note,
    "bare_asgi_vs_node": bare_vs_node,
    "fastapi_vs_node": lambda d: fastapi_vs(d, "node_http"),
    "fastapi_vs_bare_asgi": lambda d: fastapi_vs(d, "bare_asgi_uvicorn"),
    "fastapi_hello_vs_node": hello_vs_node,
    "fastapi_vs_node_verdict": verdict_rivals,
    "go_note": lambda d: (d.get("references", {}).get("go") or {}).get("note", "Go was not measured"),
    "access_log_cost": access_log_cost,
    "tornado_thousands_verdict": verdict_thousands,
    "sync_worker": sync_worker,
    "ws_verdict": verdict_ws,
    "variants": variants_note,
    "fastest": fastest,
    "noisiest": noisiest,
    "errors_total": errors_total,
    "slow_timeout": lambda d: fmt_s(d["method"]["slow_timeout_s"]),
}
"""Every marker the page may use, by name."""


def render_figure(key: str, data: dict[str, Any]) -> str:
    """One figure of the page from the given results."""
    if key not in FIGURES:
        raise KeyError(f"{PAGE}: unknown marker perf({key!r}); known: {sorted(FIGURES)}")
    return FIGURES[key](data)


def figure(key: str) -> str:
    """The `{{ perf("key") }}` marker: a figure from the results file."""
    return render_figure(key, load())
