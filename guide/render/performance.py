"""The Performance page (`docs/performance.md`), rendered from
`bench/results.json`, the output of `make bench` (`python -m bench`).

Every marker `{{ perf("name") }}` on that page is a figure inline in a
sentence or, alone on its line, a table or a bar chart. No figure on the page
is typed: each is read from the results file, so a new benchmark run changes
the page and nothing else. Names of frameworks and benchmark targets, and
which row each framework is compared on (the one its documentation runs in
production), come from the registry; the other benchmarks cited for context
come from `bench/context.yml`. A row the results file lacks (an older run)
is said to be not measured in this run, never invented.

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

import yaml

from bench.machine import others_busy
from guide import registry
from guide.paths import BENCH
from guide.render.charts import Bar, bar_chart, table
from guide.render.charts import figure as chart_figure

PAGE = "performance.md"
RESULTS = BENCH / "results.json"
CONTEXT = BENCH / "context.yml"
HELLO = "/items/1"
"""The endpoint the headline figures use: one small JSON object."""
ENDPOINTS = {"/items": "the whole list", "/items/1": "one item"}

RIVALS = 0.8
""""Rivals" taken generously: at least this fraction of the reference's requests/s."""

FASTAPI_ONE_PROCESS = ("fastapi", "fastapi_async", "fastapi_no_access_log", "fastapi_hello_async")
"""FastAPI's rows that run one process, as Node's reference server does."""

BUILT_IN = {"cherrypy": "Cheroot", "tornado": "Tornado"}
"""The servers started by `python app.py`: the framework's own."""


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


def context() -> dict[str, Any]:
    """The other benchmarks cited for context, with their sources."""
    return yaml.safe_load(CONTEXT.read_text(encoding="utf-8"))


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


def fmt_times(x: float) -> str:
    return f"{x:.1f} ×"


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


def unmeasured(data: dict[str, Any], key: str) -> str:
    """Why a row has no figure: it failed, or it did not run."""
    row = (data.get("references") or {}).get(key) or (data.get("variants") or {}).get(key) or {}
    why = row.get("error") or row.get("note") or "it did not run"
    return f"{name(key)} was not measured in this run ({why.splitlines()[0][:160]})"


def _need(value: Any, what: str) -> Any:
    if value is None:
        raise LookupError(f"{PAGE}: the results file has no {what}")
    return value


def documented() -> dict[str, str]:
    """Each framework's documented row (the registry's), by framework."""
    return {key: fw.documented_row()[0] for key, fw in registry.frameworks().items()}


def framework_of(data: dict[str, Any], key: str) -> str:
    """The framework a row serves."""
    if key in data["frameworks"]:
        return key
    target = registry.targets().get(key)
    return (target.framework if target else None) or ""


def workers(server: dict[str, Any]) -> int | None:
    """How many processes serve requests: the command's `--workers`, or every
    process of the group but the one that manages them."""
    words = server.get("command", "").split()
    if "--workers" in words[:-1]:
        return int(words[words.index("--workers") + 1])
    processes = server.get("processes")
    if not processes:
        return None
    return processes - 1 if processes > 1 else 1


def loop_parser(data: dict[str, Any], key: str) -> str | None:
    """uvicorn's event loop and HTTP parser for a uvicorn row, as the results
    saw them loaded in its memory, or, in a run that did not record that,
    asyncio and h11 when uvloop and httptools were not installed at all.
    None for other servers, or when it cannot be known."""
    server = servers(data)[key]
    if not uvicorn_row(server):
        return None
    loaded = server.get("loaded")
    if loaded is None:
        packages = (data.get("software") or {}).get("packages") or {}
        if {packages.get("uvloop"), packages.get("httptools")} != {"not installed"}:
            return None
        loaded = {"uvloop": False, "httptools": False}
    return f"{'uvloop' if loaded['uvloop'] else 'asyncio'} + {'httptools' if loaded['httptools'] else 'h11'}"


def server_name(data: dict[str, Any], key: str, server: dict[str, Any]) -> str:
    program = server.get("command", "").split()[0] if server.get("command") else ""
    if program == "python":
        return BUILT_IN.get(framework_of(data, key), "Python")
    return {"waitress-serve": "waitress", "node": "Node.js", "fastapi": "fastapi run"}.get(program, program)


def uvicorn_row(server: dict[str, Any]) -> bool:
    """Served by uvicorn: `uvicorn ...`, or `fastapi run`, which starts it."""
    return server.get("command", "").startswith(("uvicorn ", "fastapi run "))


def config_note(data: dict[str, Any], key: str) -> str:
    """A row's configuration in a few words: server, workers, loop and parser."""
    server = servers(data)[key]
    parts = [server_name(data, key, server)]
    n = workers(server)
    if n is not None:
        parts.append(f"{fmt_int(n)} worker{'s' if n != 1 else ''}")
    lp = loop_parser(data, key)
    if lp:
        parts.append(lp)
    elif uvicorn_row(server):
        parts.append("loop not recorded")
    return ", ".join(parts)


# --------------------------------------------------------------------------
# Which rows each chart shows
# --------------------------------------------------------------------------


def documented_rows(data: dict[str, Any]) -> list[str]:
    """The documented rows the results have, in the registry's order."""
    have = servers(data)
    return [row for row in documented().values() if endpoint(have.get(row, {}))]


def one_process_rows(data: dict[str, Any]) -> list[str]:
    """The Compare page's commands, and the variants that also run one worker."""
    single = [k for k, t in registry.variants().items() if not t.documented and "{workers}" not in t.command]
    have = servers(data)
    return [k for k in [*data["frameworks"], *single] if endpoint(have.get(k, {}))]


def ranked(data: dict[str, Any], keys: list[str], path: str = HELLO) -> list[str]:
    have = servers(data)
    keys = [k for k in keys if endpoint(have.get(k, {}), path)]
    return sorted(keys, key=lambda k: -endpoint(have[k], path)["requests_per_s_median"])


def documented_label(data: dict[str, Any], key: str) -> str:
    """A documented row is named by its framework: it is that framework's row."""
    return name(framework_of(data, key))


# --------------------------------------------------------------------------
# The blocks
# --------------------------------------------------------------------------


def _rps_bars(data: dict[str, Any], keys: list[str], path: str, named: Callable[[str], str],
              outlined: Callable[[str], bool]) -> list[Bar]:
    bars = []
    for key in ranked(data, keys, path):
        ep = endpoint(servers(data)[key], path)
        bars.append(Bar(named(key), ep["requests_per_s_median"], ep["requests_per_s_min"],
                        ep["requests_per_s_max"], outlined(key), config_note(data, key)))
    return bars


def not_measured_documented(data: dict[str, Any]) -> str:
    """The documented rows the results lack, or nothing."""
    missing = [row for row in documented().values() if row not in documented_rows(data)]
    if not missing:
        return ""
    why = {row: ((data.get("variants") or {}).get(row) or {}).get("error", "").splitlines()[:1] for row in missing}
    return ("Not measured in this run, so missing from the charts of documented configurations: "
            + "; ".join(name(row) + (f" (it failed: {why[row][0][:160]})" if why[row] else "") for row in missing)
            + ".")


def chart_rps(data: dict[str, Any], path: str = HELLO) -> str:
    rows = documented_rows(data)
    n = data["method"]["repetitions"]
    missing = not_measured_documented(data)
    return chart_figure(
        bar_chart(f"Requests per second, GET {path}, each framework as its documentation serves it",
                  _rps_bars(data, rows, path, lambda k: documented_label(data, k), lambda k: False),
                  "requests/s (bar: median; whisker: slowest to fastest run)", fmt_int),
        f"GET {path}: median requests/s of {n} run{'s' if n != 1 else ''}, whisker from the slowest to the fastest run; "
        "under each name, its server and workers (the table above gives every command)."
        + (f" {missing}" if missing else ""),
    )


def chart_one_process(data: dict[str, Any], path: str = HELLO) -> str:
    n = data["method"]["repetitions"]
    return chart_figure(
        bar_chart(f"Requests per second, GET {path}, one worker each",
                  _rps_bars(data, one_process_rows(data), path, name,
                            lambda k: k not in data["frameworks"]),
                  "requests/s (bar: median; whisker: slowest to fastest run)", fmt_int),
        f"GET {path}: median requests/s of {n} run{'s' if n != 1 else ''}. Solid bars: the Compare page's own commands; "
        "outlined bars: the same apps on another server or, for FastAPI, written with async def.",
    )


def chart_latency(data: dict[str, Any], path: str = HELLO) -> str:
    rows = []
    for key in ranked(data, documented_rows(data), path):
        ep = endpoint(servers(data)[key], path)
        rows.append(Bar(f"{documented_label(data, key)} p50", ep["latency_p50_ms_median"]))
        rows.append(Bar(f"{documented_label(data, key)} p99", ep["latency_p99_ms_median"], reference=True))
    return chart_figure(
        bar_chart(f"Latency, GET {path}", rows, "milliseconds (median over runs)", fmt_ms),
        f"GET {path} at {data['method']['concurrency']} connections, each framework as its documentation "
        "serves it: median (solid) and 99th-percentile (outlined) latency as wrk reports them, "
        "median over runs.",
    )


def _start_rows(data: dict[str, Any]) -> list[str]:
    """The Compare page's commands and the documented rows: what the cold
    start and memory charts show."""
    have = servers(data)
    keys = list(dict.fromkeys([*data["frameworks"], *documented().values()]))
    return [k for k in keys if k in have]


def _server_rows(data: dict[str, Any], field: str) -> list[Bar]:
    rows = [Bar(name(k), servers(data)[k][field], reference=k not in data["frameworks"],
                note=config_note(data, k))
            for k in _start_rows(data) if servers(data)[k].get(field) is not None]
    return sorted(rows, key=lambda bar: bar.value)


def chart_cold_start(data: dict[str, Any]) -> str:
    return chart_figure(
        bar_chart("Cold start", _server_rows(data, "cold_start_s"), "seconds", fmt_s),
        "From typing the command to the first answer to GET /items/1 (one run). Solid bars: the Compare "
        "page's own commands; outlined: the documented configurations with several workers or processes.",
    )


def chart_memory(data: dict[str, Any]) -> str:
    return chart_figure(
        bar_chart("Peak memory", _server_rows(data, "peak_rss_mib"), "MiB (RSS, all processes together)",
                  fmt_mib),
        "Peak resident memory of each server during the load, all its processes together (gunicorn counts "
        "its manager and every worker). Solid bars: the Compare page's own commands; outlined: the "
        "documented configurations.",
    )


def table_config(data: dict[str, Any]) -> str:
    """Every row with its configuration: command, workers, threads, loop and
    parser where uvicorn runs, and why it is configured so."""
    head = ["Row", "Command", "Workers", "Threads", "Event loop + HTTP parser", "Why this configuration"]
    lines = [table(head, [])]
    docs = {row: fw for fw, row in documented().items()}
    for key, s in servers(data).items():
        if key in docs:
            source = registry.framework(docs[key]).documented_row()[1]
            why = f"Documented for production: [{escape(source.text, quote=False)}]({source.url})"
        elif key in data["frameworks"]:
            why = "The Compare page's production command: one worker, as its in-memory store needs"
        elif key in registry.variants():
            why = "Another way to serve the same app, for comparison"
        else:
            why = "A reference point"
        n = workers(s)
        lines.append("| " + " | ".join([
            f"**{name(key)}**" if key in data["frameworks"] else name(key),
            f"`{s['command']}`",
            fmt_int(n) if n is not None else "–",
            fmt_int(s["threads"]) if s.get("threads") is not None else "not recorded",
            loop_parser(data, key) or ("not recorded" if uvicorn_row(s) else "–"),
            why,
        ]) + " |")
    return "\n".join(lines)


def table_references(data: dict[str, Any]) -> str:
    """The two reference points as ratios, not as bars on the frameworks' axis."""
    head = ["Reference point", f"Requests/s, GET {HELLO}", "What it shows"]
    lines = [table(head, [])]
    bare = rps(data, "bare_asgi_uvicorn")
    if bare:
        s = servers(data)["bare_asgi_uvicorn"]
        parts = [f"{name(k)}: {fmt_pct(rps(data, k) / bare)} of it{same_server(data, k, 'bare_asgi_uvicorn')}"
                 for k in ("fastapi", "fastapi_async", "fastapi_hello_async", "django_uvicorn") if rps(data, k)]
        lines.append(f"| {name('bare_asgi_uvicorn')}, {loop_parser(data, 'bare_asgi_uvicorn') or 'loop not recorded'} | "
                     f"{fmt_int(bare)} | The most an app can expect from this server (`{s['command']}`), since "
                     f"it does no work of its own. " + "; ".join(parts) + " |")
    else:
        lines.append(f"| {name('bare_asgi_uvicorn')} | – | {unmeasured(data, 'bare_asgi_uvicorn')} |")
    node = rps(data, "node_http")
    if node:
        python = ranked(data, [k for k in servers(data) if k not in ("node_http", "bare_asgi_uvicorn")
                               and workers(servers(data)[k]) == 1])
        top = python[0]
        lines.append(f"| {name('node_http')} (one process) | {fmt_int(node)} | "
                     f"{fmt_times(node / rps(data, top))} the fastest Python row of one worker "
                     f"({name(top)}, {fmt_int(rps(data, top))})"
                     + (f"; {fmt_times(node / bare)} {name('bare_asgi_uvicorn')}" if bare else "") + " |")
    else:
        lines.append(f"| {name('node_http')} | – | {unmeasured(data, 'node_http')} |")
    return "\n".join(lines)


def same_server(data: dict[str, Any], key: str, other: str) -> str:
    """", on the same server" when both ran uvicorn on the same loop and
    parser, else what differed (or that it was not recorded)."""
    a, b = loop_parser(data, key), loop_parser(data, other)
    if a is None or b is None:
        return " (loop and parser not recorded in this run)"
    return " on the same server" if a == b else f" ({a}, against {b})"


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
    parts = []
    for key, variant in registry.variants().items():
        label, fw = name(key), variant.framework or ""
        mine, own = rps(data, key), rps(data, fw)
        if not mine:
            parts.append(unmeasured(data, key).replace(" was not measured", ": not measured", 1))
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
        f"{fmt_s(data['method']['slow_timeout_s'])}. Solid: Tornado; outlined: the sync worker.",
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
    return table(["Machine and software", "In this run"], [(k, escape(str(v))) for k, v in rows])


def table_method(data: dict[str, Any]) -> str:
    """How each figure was measured, in a reader's words; the numbers are the run's."""
    m = data["method"]
    levels = ", ".join(fmt_int(n) for n in m["slow_levels"])
    rows = [
        ("Load", (f"`{m['wrk_command'].format(**m)}`: {fmt_int(m['concurrency'])} connections kept busy, each "
                  f"sending its next request as soon as the last is answered; a warm-up of {m['warmup_s']} s, "
                  f"then {m['repetitions']} runs of {m['duration_s']} s per endpoint")),
        ("Requests", ", ".join(f"`GET {p}` ({ENDPOINTS.get(p, 'JSON')})" for p in m["endpoints"])),
        ("Requests per second", "the median of the runs; the charts' whiskers go from the slowest run to "
                                "the fastest"),
        ("Latency", "how long a request waited for its answer: half waited less than p50, "
                    "all but one in a hundred less than p99"),
        ("Servers", "each started with its command as a reader types it, in a copy of its folder, and "
                    "stopped with Ctrl-C; each logs what its command logs (uvicorn and CherryPy write a "
                    "line per request)"
                    + ("; before the load, each is left until it is idle, so every worker has started"
                       if m.get("wait_idle") else "")),
        ("Cold start", "from typing the command to the first correct answer to `GET /items/1`"),
        ("Memory", "the largest resident memory of the server during the load, all its processes together"),
        ("Workers and threads", "the processes that answer requests (a manager process is not counted) and "
                                "every thread of the server, at its memory peak"
                                + ("" if any("threads" in s for s in servers(data).values())
                                   else "; threads were not recorded in this run")),
        ("Event loop and parser", "uvloop and httptools count as used when their compiled code is loaded in "
                                  "the server's memory (uvicorn falls back to asyncio and h11 without them)"),
        ("Slow requests", f"many requests at once that each wait one second in the server, each on its own "
                          f"connection, from one client; {levels} at once, each level against a fresh server, "
                          f"given {fmt_s(m['slow_timeout_s'])} in all"),
        ("WebSockets", (f"as many WebSocket connections at once to an echo handler: each sends one message, "
                        f"reads it back and stays open until every other one has; "
                        f"{', '.join(fmt_int(n) for n in m['ws_levels'])} at once, given "
                        f"{fmt_s(m['ws_timeout_s'])}") if m.get("ws_levels") else WS_UNMEASURED),
        ("Sharing", "the load generator, the server and the script that drives them share the machine's "
                    "cores"),
    ]
    return table(["Measured", "How"], rows)


def table_context() -> str:
    """The other benchmarks cited, from bench/context.yml."""
    ctx = context()
    rows = []
    for b in ctx["benchmarks"].values():
        rows.append((
            f"[{b['name']}]({b['url']})",
            f"[{b['latest']}]({b['latest_url']}) ([{b['details']}]({b['details_url']})); "
            f"[{b['status']}]({b['status_url']})",
            b["hardware"], b["servers"], b["load"],
        ))
    return (table(["Benchmark", "Latest results", "Hardware", "Servers and settings", "Load"], rows)
            + f"\n\nAs their own pages and repositories gave them on {ctx['checked']}.")


# --------------------------------------------------------------------------
# Inline figures and the two claims
# --------------------------------------------------------------------------


def fastapi_vs(data: dict[str, Any], ref: str) -> str:
    fa = _need(rps(data, "fastapi"), f"FastAPI requests/s on GET {HELLO}")
    other = rps(data, ref)
    if not other:
        return f"{fmt_int(fa)} requests/s; {unmeasured(data, ref)}"
    where = same_server(data, "fastapi", ref) if ref == "bare_asgi_uvicorn" else ""
    return (f"{fmt_int(fa)} requests/s against {fmt_int(other)} for {name(ref)}, "
            f"{fmt_pct(fa / other)} of it{where}")


def best_fastapi(data: dict[str, Any]) -> str:
    """FastAPI's fastest row of one process."""
    keys = ranked(data, [k for k in FASTAPI_ONE_PROCESS if k in servers(data)])
    return _need(keys[0] if keys else None, "FastAPI requests/s")


def verdict_rivals(data: dict[str, Any]) -> str:
    best = best_fastapi(data)
    fa = rps(data, best)
    node = rps(data, "node_http")
    go = data.get("references", {}).get("go") or {}
    parts = []
    if node:
        holds = fa / node >= RIVALS
        parts.append(
            f"**{'Holds' if holds else 'Does not hold'} against Node here**: FastAPI's fastest row of one "
            f"process ({name(best)}) served {fmt_pct(fa / node)} of Node's requests/s "
            f"(\"rivals\" is read as at least {fmt_pct(RIVALS)})."
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


def def_or_async(data: dict[str, Any]) -> str:
    """The Compare app with `def` endpoints against the same app with `async def`."""
    fa = _need(rps(data, "fastapi"), "FastAPI requests/s")
    aio = rps(data, "fastapi_async")
    if not aio:
        return f"the app as the Compare page gives it served {fmt_int(fa)} requests/s; " + unmeasured(
            data, "fastapi_async")
    change = aio / fa - 1
    return (f"as the Compare page gives it (`def`), the app served {fmt_int(fa)} requests/s; with `async def` "
            f"endpoints, {fmt_int(aio)}, {fmt_pct(abs(change))} {'more' if change >= 0 else 'fewer'}"
            f"{same_server(data, 'fastapi_async', 'fastapi')}")


def spread(data: dict[str, Any], key: str) -> float:
    """How far apart a row's slowest and fastest runs were, against its median."""
    ep = _need(endpoint(servers(data).get(key, {})), f"{key} on {HELLO}")
    return (ep["requests_per_s_max"] - ep["requests_per_s_min"]) / ep["requests_per_s_median"]


def loop_cost(data: dict[str, Any]) -> str:
    """The Compare app on uvicorn without uvloop and httptools, and whether
    that made a difference larger than the two rows' own spread of runs."""
    plain, fa = rps(data, "fastapi_h11"), _need(rps(data, "fastapi"), "FastAPI requests/s")
    if not plain:
        return "The server: " + unmeasured(data, "fastapi_h11")
    change, noise = plain / fa - 1, max(spread(data, "fastapi_h11"), spread(data, "fastapi"))
    if abs(change) <= noise:
        verdict = "In this run the event loop and HTTP parser made no difference beyond the spread of the runs"
    elif change < 0:
        verdict = "The server matters too"
    else:
        verdict = "In this run the server's faster event loop and HTTP parser did not help"
    return (f"{verdict}: on asyncio and h11 (`--loop asyncio --http h11`) the same app served {fmt_int(plain)} "
            f"requests/s, {fmt_pct(plain / fa)} of its {fmt_int(fa)} with the Compare page's command "
            f"({loop_parser(data, 'fastapi') or 'loop and parser not recorded'}; the runs of either "
            f"row spread over up to {fmt_pct(noise)} of its median)")


def fastest(data: dict[str, Any]) -> str:
    rows = ranked(data, documented_rows(data))
    every = len(registry.frameworks())
    if len(rows) < 2:
        return f"{fmt_int(len(rows))} of the {fmt_int(every)} documented configurations measured in this run"
    top, bottom = rows[0], rows[-1]
    span = (f"{documented_label(data, top)} at {fmt_int(rps(data, top))} requests/s to "
            f"{documented_label(data, bottom)} at {fmt_int(rps(data, bottom))}, a factor of "
            f"{rps(data, top) / rps(data, bottom):.1f}")
    if len(rows) < every:
        return f"only {fmt_int(len(rows))} of the {fmt_int(every)} were measured in this run, {span}"
    return span


def fastest_one_process(data: dict[str, Any]) -> str:
    ranked_rows = ranked(data, list(data["frameworks"]))
    top, bottom = ranked_rows[0], ranked_rows[-1]
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
    """The load average at the start, and what it says: it averages the last
    minute, so right after other work ended it is still high while nothing runs."""
    listed = data["machine"].get("busiest_processes_at_start")  # None in a file that did not record them
    load, others = data["machine"]["loadavg_at_start"][0], None if listed is None else others_busy(listed)
    if load < 1:
        return f"{load:.2f}"
    if others:
        return f"{load:.2f}, so other work was running on the machine too"
    if others is None:
        return f"{load:.2f}, so other work may have been running on the machine too"
    return (f"{load:.2f}, although no other process was busy then: an average over the last minute, "
            "it still counted work that had just ended")


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


def workers_here(data: dict[str, Any]) -> str:
    """(2 x cores) + 1 for this run's machine, as the run computed it."""
    m = data["method"]
    n = m.get("workers") or 2 * data["machine"]["usable_cores"] + 1
    return f"{fmt_int(n)} on this machine's {fmt_int(data['machine']['usable_cores'])} cores"


def documented_is_compare(data: dict[str, Any]) -> str:
    """The frameworks whose documented row is the Compare page's own command."""
    names = [fw.name for key, fw in registry.frameworks().items() if fw.documented_row()[0] == key]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names) or "none"


def errors_total(data: dict[str, Any]) -> str:
    total = sum(ep["errors"] + ep["timeouts"] for s in servers(data).values()
                for ep in (s.get("endpoints") or {}).values())
    return fmt_int(total)


FIGURES: dict[str, Callable[[dict[str, Any]], str]] = {
    # blocks: alone on their line
    "rps_chart": chart_rps,
    "rps_chart_items": lambda d: chart_rps(d, "/items"),
    "rps_chart_one_process": chart_one_process,
    "latency_chart": chart_latency,
    "cold_start_chart": chart_cold_start,
    "memory_chart": chart_memory,
    "config_table": table_config,
    "reference_table": table_references,
    "results_table": table_results,
    "slow_table": table_slow,
    "slow_chart": chart_slow,
    "ws_table": table_ws,
    "machine_table": table_machine,
    "method_table": table_method,
    "context_table": lambda d: table_context(),
    # inline figures
    "date": lambda d: d["date"][:10],
    "cores": lambda d: fmt_int(d["machine"]["usable_cores"]),
    "workers": workers_here,
    "documented_is_compare": documented_is_compare,
    "concurrency": lambda d: fmt_int(d["method"]["concurrency"]),
    "repetitions": lambda d: fmt_int(d["method"]["repetitions"]),
    "duration": lambda d: fmt_int(d["method"]["duration_s"]),
    "loadavg": load_note,
    "bare_asgi_vs_node": bare_vs_node,
    "fastapi_vs_node": lambda d: fastapi_vs(d, "node_http"),
    "fastapi_vs_bare_asgi": lambda d: fastapi_vs(d, "bare_asgi_uvicorn"),
    "fastapi_hello_vs_node": hello_vs_node,
    "fastapi_vs_node_verdict": verdict_rivals,
    "fastapi_def_or_async": def_or_async,
    "fastapi_loop_cost": loop_cost,
    "go_note": lambda d: (d.get("references", {}).get("go") or {}).get("note", "Go was not measured"),
    "access_log_cost": access_log_cost,
    "tornado_thousands_verdict": verdict_thousands,
    "sync_worker": sync_worker,
    "ws_verdict": verdict_ws,
    "variants": variants_note,
    "fastest": fastest,
    "fastest_one_process": fastest_one_process,
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
