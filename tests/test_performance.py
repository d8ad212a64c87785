"""The Performance page: every figure it quotes is the benchmark data's.

`guide.render.performance` renders `docs/performance.md` from `bench/results.json`.
These tests render the page from the committed results (when there are some)
and from a small made-up results file, and check the rendered page against the
data, computed here independently of the hook: the quoted figures, the claims'
verdicts, every framework, each row's configuration and the documentation it
follows, and the inline SVG charts (well-formed, no external reference, the
frameworks on an axis of their own, colours the page's, figures as text). They
also check that no figure is typed in the page's source, that an older results
file is said to lack what it lacks, that the other benchmarks cited carry their
sources, that what the page says of FastAPI's `def` and `async def` endpoints
is what FastAPI does, and that every framework page that speaks of speed
links to the page.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import statistics
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from guide import registry, render
from guide.clients import app_of
from guide.paths import DOCS, ROOT
from guide.render import charts
from guide.render import performance as perf_page
from guide.walkthroughs import walkthrough

SOURCE = DOCS / "performance.md"
FRAMEWORKS = list(registry.frameworks())
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
NS = "{http://www.w3.org/2000/svg}"


def _endpoint(rps: list[float], p50: float, p99: float) -> dict[str, Any]:
    samples = [
        {"requests_per_s": r, "requests": int(r * 4), "latency_p50_ms": p50, "latency_p99_ms": p99,
         "errors": {"connect": 0, "read": 0, "write": 0, "non_2xx": 0}, "timeouts": 0}
        for r in rps
    ]
    return {
        "requests_per_s_median": statistics.median(rps), "requests_per_s_min": min(rps),
        "requests_per_s_max": max(rps), "requests_per_s_stdev": statistics.stdev(rps),
        "latency_p50_ms_median": p50, "latency_p99_ms_median": p99, "latency_p99_ms_max": p99,
        "errors": 0, "timeouts": 0, "samples": samples,
    }


def _server(command: str, port: int, base: float, cold: float, rss: float, processes: int = 1,
            threads: int = 3, uvloop: bool | None = None) -> dict[str, Any]:
    server = {
        "command": command, "port": port, "hello_endpoint": "/items/1", "cold_start_s": cold,
        "peak_rss_mib": rss, "stopped": True, "port_free_after": True, "processes": processes,
        "threads": threads, "loaded": {"uvloop": bool(uvloop), "httptools": bool(uvloop)},
        "endpoints": {
            "/items": _endpoint([base * 0.9, base * 0.95, base * 0.97], 30.0, 90.5),
            "/items/1": _endpoint([base * 0.98, base * 1.0, base * 1.11], 25.25, 80.75),
        },
    }
    return server


MADE_UP_VARIANTS = {
    # key: (command, processes, uvloop) -- made-up commands and ports, named like the real ones
    "django_gunicorn_workers": ("gunicorn --workers 5 made-up:application", 6, None),
    "django_uvicorn": ("uvicorn made-up-django:application --port 9016", 1, True),
    "flask_gunicorn_workers": ("gunicorn --workers 5 made-up:app", 6, None),
    "flask_gunicorn_gthread": ("gunicorn --worker-class gthread made-up:app", 2, None),
    "fastapi_workers": ("fastapi run made-up.py --port 9021 --workers 5", 7, True),
    "fastapi_async": ("uvicorn made-up-async:app --port 9022", 1, True),
    "fastapi_h11": ("uvicorn made-up:app --port 9023 --loop asyncio --http h11", 1, False),
    "bottle_gunicorn_workers": ("gunicorn --workers 5 made-up-bottle:app", 6, None),
    "tornado_processes": ("python made-up-processes.py 9025", 3, None),
}


def _level(n: int, completed: int, last: float) -> dict[str, Any]:
    return {
        "connections": n, "timeout_s": 20.0, "completed": completed,
        "unfinished_at_timeout": n - completed, "errors": {}, "all_completed": completed == n,
        "seconds_to_last_completion": last,
        "latency_s": {"min": 1.01, "p50": 1.2, "p99": last, "max": last}, "wall_s": last,
        "peak_rss_mib": 60.5,
    }


def made_up() -> dict[str, Any]:
    """A results file in the benchmark's shape with distinctive numbers (ports and
    commands too: nothing here names a real server)."""
    frameworks = {
        fw: _server(f"serve-{fw}", 9001 + i, 1000.0 + 337 * i, 0.1 + 0.05 * i, 30.0 + 4.5 * i)
        for i, fw in enumerate(FRAMEWORKS)
    }
    frameworks["fastapi"] = _server("uvicorn made-up:app --port 9003", 9003, 1674.0, 0.2, 39.0, uvloop=True)
    return {
        "mode": "full",
        "date": "2026-01-02T03:04:05+00:00",
        "machine": {"cpu_model": "Test CPU", "cores": 2, "usable_cores": 2, "memory_gib": 8.0,
                    "os": "Linux", "loadavg_at_start": [1.25, 1.0, 1.0], "loadavg_at_end": [1.5, 1.0, 1.0]},
        "software": {"python": "3.11.7", "packages": {"fastapi": "0.1", "uvloop": "0.2", "httptools": "0.3"},
                     "node": "v20", "go": "not available", "wrk": "wrk 4.1.0"},
        "method": {"concurrency": 50, "wrk_threads": 1, "warmup_s": 2, "duration_s": 4, "repetitions": 3,
                   "endpoints": ["/items", "/items/1"], "wrk_timeout_s": 5, "slow_levels": [1000, 5000],
                   "slow_timeout_s": 20.0, "wait_idle": True, "workers": 5,
                   "wrk_command": "wrk -t{wrk_threads} -c{concurrency} -d{duration_s}s --latency URL"},
        "frameworks": frameworks,
        "references": {
            "bare_asgi_uvicorn": _server("uvicorn bare:app --port 9011", 9011, 6543.0, 0.3, 31.0, uvloop=True),
            "fastapi_no_access_log": _server("uvicorn made-up:app --no-access-log", 9003, 2999.0, 0.3, 33.0,
                                             uvloop=True),
            "fastapi_hello_async": _server("uvicorn hello:app --port 9015", 9015, 4321.0, 0.3, 35.0, uvloop=True),
            "node_http": _server("node made-up.js 9012", 9012, 21987.0, 0.2, 45.0),
            "go": {"available": False, "note": "not available: no `go` on this machine"},
        },
        "slow_requests": {
            "tornado": {"command": "python slow_tornado.py 9013", "port": 9013,
                        "levels": {"1000": _level(1000, 1000, 1.62), "5000": _level(5000, 4321, 19.9)}},
            "gunicorn_sync_flask": {"command": "gunicorn slow_flask:app", "port": 9014,
                                    "levels": {"1000": _level(1000, 19, 19.1), "5000": _level(5000, 18, 19.2)}},
        },
        "variants": {
            key: {"framework": registry.targets()[key].framework, "label": registry.label(key),
                  **_server(command, 9100 + i, 777.0 + 211 * i, 0.4 + 0.1 * i, 41.0 + 20 * i, processes,
                            3 + i, uvloop)}
            for i, (key, (command, processes, uvloop)) in enumerate(MADE_UP_VARIANTS.items())
        },
        "websockets": {
            "tornado": {"command": "python slow_tornado.py 9013", "port": 9013, "levels": {
                "1000": {"connections": 1000, "timeout_s": 30.0, "echoed": 1000, "all_echoed": True,
                         "peak_open": 1000, "unfinished_at_timeout": 0, "errors": {},
                         "seconds_to_last_echo": 0.61, "wall_s": 0.7, "peak_rss_mib": 44.4},
                "5000": {"connections": 5000, "timeout_s": 30.0, "echoed": 4987, "all_echoed": False,
                         "peak_open": 4987, "unfinished_at_timeout": 0, "errors": {"TimeoutError": 13},
                         "seconds_to_last_echo": 2.87, "wall_s": 30.0, "peak_rss_mib": 101.3},
            }},
        },
    }


def datasets() -> list[Any]:
    sets = [pytest.param(made_up(), id="made-up")]
    if perf_page.RESULTS.is_file():
        sets.insert(0, pytest.param(json.loads(perf_page.RESULTS.read_text()), id="bench-results"))
    return sets


@pytest.fixture(params=datasets())
def data(request: pytest.FixtureRequest) -> dict[str, Any]:
    return request.param


def render_with(data: dict[str, Any], tmp: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The Performance page rendered from `data`, as the build renders it
    from a results file (`PERF_RESULTS` points the page at another one)."""
    results = tmp / "results.json"
    results.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("PERF_RESULTS", str(results))
    return render.render(SOURCE.read_text(encoding="utf-8"))


@pytest.fixture
def page(data: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return render_with(data, tmp_path, monkeypatch)


def n(x: float) -> str:
    return f"{round(x):,}"


def flat(page: str) -> str:
    """The page with every run of whitespace as one space: a marker's figure
    may end a source line and its sentence go on on the next."""
    return " ".join(page.split())


def pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def rps(data: dict[str, Any], group: str, key: str, path: str = "/items/1") -> float:
    return data[group][key]["endpoints"][path]["requests_per_s_median"]


def test_the_committed_page_reads_bench_results() -> None:
    assert perf_page.RESULTS == ROOT / "bench" / "results.json"
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert "guide.render" in config["markdown_extensions"], "mkdocs.yml does not render the markers"
    assert "performance.md" in str(config["nav"]), "mkdocs.yml's nav has no Performance page"


def test_every_marker_is_rendered(page: str) -> None:
    assert "{{" not in page and "perf(" not in page


def test_no_figure_is_typed_in_the_source() -> None:
    """Every digit in the page's prose comes from a marker: the results, the
    registry, or the other benchmarks' facts in bench/context.yml."""
    text = SOURCE.read_text(encoding="utf-8")
    text = render.MARKER.sub("", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"`[^`]*`", "", text)  # code
    assert not re.findall(r"\d+(?:[.,]\d+)*", text)


def fastapi_one_process(data: dict[str, Any]) -> dict[str, float]:
    """FastAPI's rows of one process in the data, with their requests/s."""
    found = {"fastapi": rps(data, "frameworks", "fastapi")}
    for group, key in (("variants", "fastapi_async"), ("references", "fastapi_no_access_log"),
                       ("references", "fastapi_hello_async")):
        if (data.get(group) or {}).get(key, {}).get("endpoints"):
            found[key] = rps(data, group, key)
    return found


def test_fastapi_against_node_is_the_data(page: str, data: dict[str, Any]) -> None:
    fa, node = rps(data, "frameworks", "fastapi"), rps(data, "references", "node_http")
    assert f"{n(fa)} requests/s against {n(node)} for Node.js http, {pct(fa / node)} of it" in page
    best, best_rps = max(fastapi_one_process(data).items(), key=lambda kv: kv[1])
    verdict = "Holds against Node here" if best_rps / node >= perf_page.RIVALS else "Does not hold against Node here"
    assert (f"**{verdict}**: FastAPI's fastest row of one process ({registry.label(best)}) served "
            f"{pct(best_rps / node)} of Node's requests/s") in page
    bare = rps(data, "references", "bare_asgi_uvicorn")
    assert f"{n(fa)} requests/s against {n(bare)} for bare ASGI app (uvicorn), {pct(fa / bare)} of it" in page
    node_share = pct(bare / node)
    assert f"it served {n(bare)} requests/s, {node_share} of Node's {n(node)}" in page
    if "fastapi_hello_async" in data["references"]:
        hello = rps(data, "references", "fastapi_hello_async")
        assert f"it served {n(hello)} requests/s, {pct(hello / node)} of Node's {n(node)}" in page
    quiet = rps(data, "references", "fastapi_no_access_log")
    assert f"FastAPI made {n(quiet)} requests/s against {n(fa)} with it ({pct(quiet / fa - 1)} more)" in page
    if not (data["references"].get("go") or {}).get("endpoints"):
        assert "**Not tested against Go**" in page


def test_tornado_thousands_is_the_data(page: str, data: dict[str, Any]) -> None:
    levels = data["slow_requests"]["tornado"]["levels"]
    for level, result in levels.items():
        if result["all_completed"]:
            expected = (f"{n(int(level))} simultaneous one-second requests: all answered, the last after "
                        f"{result['seconds_to_last_completion']:.2f} s")
        else:
            expected = (f"{n(int(level))} simultaneous one-second requests: {n(result['completed'])} of "
                        f"{n(int(level))} answered within {result['timeout_s']:.2f} s")
        assert expected in page
    all_done = all(r["all_completed"] for r in levels.values())
    assert ("**Holds here**" if all_done else "**Holds only in part here**") in page
    for level, result in data["slow_requests"]["gunicorn_sync_flask"]["levels"].items():
        assert (f"of {n(int(level))}, {n(result['completed'])} answered within "
                f"{result['timeout_s']:.2f} s") in page


def test_every_framework_and_its_figures_are_on_the_page(page: str, data: dict[str, Any]) -> None:
    assert set(FRAMEWORKS) <= set(data["frameworks"]), "the results lack a framework of the guide"
    rows = {re.sub(r"<[^>]+>", "", line.split(" | ")[0]).strip("|* "): line
            for line in page.splitlines() if line.startswith("| ")}
    for key, server in data["frameworks"].items():
        name = registry.label(key)
        assert name in rows, f"{name} has no row in the results table"
        row = rows[name]
        for path, ep in server["endpoints"].items():
            assert (f"{n(ep['requests_per_s_median'])} ({n(ep['requests_per_s_min'])}–"
                    f"{n(ep['requests_per_s_max'])})") in row, (name, path)
        assert f"{server['cold_start_s']:.2f} s" in row
        assert f"{server['peak_rss_mib']:.1f} MiB" in row
        charts = " ".join(SVG.findall(page))
        assert f">{name}</text>" in charts, f"{name} is missing from the charts"
        assert f">{n(server['endpoints']['/items/1']['requests_per_s_median'])}</text>" in charts


def test_the_method_and_its_limits_are_the_data(page: str, data: dict[str, Any]) -> None:
    m, text = data["method"], flat(page)
    assert f"keeps {m['concurrency']} connections busy" in text
    assert f"{m['repetitions']} runs of {m['duration_s']} seconds each" in text
    assert f"a warm-up of {m['warmup_s']} s, then {m['repetitions']} runs of {m['duration_s']} s" in text
    assert f"One shared machine with {data['machine']['usable_cores']} cores." in text
    assert f"The load average when the run started was {data['machine']['loadavg_at_start'][0]:.2f}" in text
    workers = m.get("workers") or 2 * data["machine"]["usable_cores"] + 1
    assert f"advise: {workers} on this machine's {data['machine']['usable_cores']} cores" in text


@pytest.mark.parametrize(("load", "busiest", "says"), [
    (0.5, [], "was 0.50."),
    (3.32, ["80.0 python -m bench", "0.5 [kdamond.0]"],
     "was 3.32, although no other process was busy then: an average over the last minute, "
     "it still counted work that had just ended."),
    (3.32, ["80.0 python -m bench", "60.0 python -m pytest"],
     "was 3.32, so other work was running on the machine too."),
    (3.32, None, "was 3.32, so other work may have been running on the machine too."),
])
def test_the_load_at_the_start_says_what_it_shows(
    load: float, busiest: list[str] | None, says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load average of a minute can be high after other work has ended: the
    page says other work ran only when a process other than the benchmark was busy."""
    data = copy.deepcopy(made_up())
    data["machine"]["loadavg_at_start"][0] = load
    if busiest is not None:
        data["machine"]["busiest_processes_at_start"] = busiest
    assert f"The load average when the run started {says}" in flat(render_with(data, tmp_path, monkeypatch))


def test_other_benchmarks_are_cited_with_their_sources(page: str) -> None:
    """Each benchmark of bench/context.yml is on the page with its results, its
    status, its hardware and servers, and the date they were checked; every
    source is an https address."""
    context = yaml.safe_load((ROOT / "bench" / "context.yml").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", context["checked"])
    assert f"As their own pages and repositories gave them on {context['checked']}." in page
    assert {"techempower", "the_benchmarker"} <= set(context["benchmarks"])
    for key, bench in context["benchmarks"].items():
        for field in ("url", "latest_url", "details_url", "status_url"):
            assert bench[field].startswith("https://"), (key, field)
        assert f"[{bench['name']}]({bench['url']})" in page, key
        assert f"[{bench['latest']}]({bench['latest_url']})" in page, key
        assert f"[{bench['details']}]({bench['details_url']})" in page, key
        assert f"[{bench['status']}]({bench['status_url']})" in page, key
        for field in ("hardware", "servers", "load"):
            assert " ".join(bench[field].split()) in flat(page), (key, field)
    assert "Round 23, its final round" in context["benchmarks"]["techempower"]["latest"]


def test_charts_are_well_formed_and_self_contained(page: str) -> None:
    charts = SVG.findall(page)
    assert len(charts) >= 6
    for svg in charts:
        root = ET.fromstring(svg)  # raises on malformed XML
        assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox")
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
        without_ns = svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert not re.search(r"https?:|//|href|url\(|<script|<image|<foreignObject|@import", without_ns), svg[:200]
        assert "\n\n" not in svg  # one raw HTML block for Markdown
    assert "<script" not in page


def test_an_unknown_marker_fails_the_build() -> None:
    with pytest.raises(KeyError, match="unknown marker"):
        perf_page.render_figure("nonsense", made_up())


def test_a_missing_reference_is_said_not_invented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = copy.deepcopy(made_up())
    data["references"]["node_http"] = {"available": False, "note": "node not available"}
    page = render_with(data, tmp_path, monkeypatch)
    assert "Node.js http was not measured in this run (node not available)" in page
    assert "**Not tested against Node**" in page


SPEED = re.compile(
    r"\b(speed|fast|faster|fastest|slow(er)? than|performance|throughput|requests per second"
    r"|thousands of (simultaneous|concurrent) connections)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=[f"{fw}.md" for fw in FRAMEWORKS])
def test_a_page_that_speaks_of_speed_links_to_the_performance_page(framework: str) -> None:
    text = (DOCS / f"{framework}.md").read_text(encoding="utf-8")
    said = SPEED.search(text)
    if not said:
        return
    assert "](performance.md" in text, (
        f"docs/{framework}.md speaks of speed ({said.group(0)!r}) but does not link to performance.md"
    )


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=[f"{fw}.md" for fw in FRAMEWORKS])
def test_every_framework_page_links_its_own_row(framework: str, page: str) -> None:
    """Each framework page links the anchor of its own row in the "Every figure"
    table, and the rendered page has that anchor on that framework's row."""
    target = f"performance.md#{perf_page.anchor(framework)}"
    text = (DOCS / f"{framework}.md").read_text(encoding="utf-8")
    assert f"]({target})" in text, f"docs/{framework}.md does not link {target}"
    row = [line for line in page.splitlines() if f'id="{perf_page.anchor(framework)}"' in line]
    assert len(row) == 1 and f"**{registry.label(framework)}**" in row[0], row


def test_variants_and_websockets_are_the_data(page: str, data: dict[str, Any]) -> None:
    """The extra rows (Django on uvicorn, Flask on gthread) and the Tornado
    WebSocket levels are on the page as the data gives them, or said to be
    not measured in this run when the data has none."""
    for key, variant in registry.variants().items():
        label, fw = registry.label(key), variant.framework
        server = (data.get("variants") or {}).get(key)
        if server and server.get("endpoints"):
            mine, own = rps(data, "variants", key), rps(data, "frameworks", fw)
            assert f"{label}: {n(mine)} requests/s on GET /items/1, {pct(mine / own)} of" in page
            assert any(line.startswith(f"| {label} [variant] |") for line in page.splitlines())
        else:
            assert f"{label}: not measured in this run" in page
    levels = ((data.get("websockets") or {}).get("tornado") or {}).get("levels")
    if not levels:
        assert "**Not measured in this run**: WebSocket connections were not measured in this run." in page
        return
    for level, result in levels.items():
        if result["all_echoed"]:
            expected = (f"{n(int(level))} simultaneous WebSockets: all echoed, the last after "
                        f"{result['seconds_to_last_echo']:.2f} s")
        else:
            expected = (f"{n(int(level))} simultaneous WebSockets: {n(result['echoed'])} of "
                        f"{n(int(level))} echoed within {result['timeout_s']:.2f} s")
        assert expected in page
        assert (f"| {n(int(level))} | {n(result['echoed'])} | {n(result['peak_open'])} | "
                f"{result['seconds_to_last_echo']:.2f} s |") in page
    held = all(r["all_echoed"] for r in levels.values())
    assert ("**Holds here**" if held else "**Holds only in part here**") in page


def test_missing_variants_and_websockets_are_said_not_invented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = copy.deepcopy(made_up())
    del data["variants"], data["websockets"]
    page = render_with(data, tmp_path, monkeypatch)
    assert "Django, uvicorn (ASGI): not measured in this run (it did not run)" in page
    assert "Flask, gunicorn gthread, 4 threads: not measured in this run (it did not run)" in page
    assert "**Not measured in this run**: WebSocket connections were not measured in this run." in page
    assert "Simultaneous WebSockets" not in page


# --------------------------------------------------------------------------
# Each row's configuration, and the documentation it follows
# --------------------------------------------------------------------------


def measured(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every row with figures, by key, from the data."""
    rows = dict(data["frameworks"])
    for group in ("variants", "references"):
        rows.update({k: v for k, v in (data.get(group) or {}).items() if v.get("endpoints")})
    return rows


def table_rows(page: str, head: str) -> dict[str, list[str]]:
    """The rows of the page's table whose header starts with `head`, by their
    first cell (tags and bold taken off), each as its list of cells."""
    lines = page.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {head}"))
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("| "):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        rows[re.sub(r"<[^>]+>|\*\*", "", cells[0]).strip()] = cells
    return rows


def expected_workers(server: dict[str, Any]) -> int:
    words = server["command"].split()
    if "--workers" in words:
        return int(words[words.index("--workers") + 1])
    return max(server.get("processes", 1) - 1, 1)


def test_every_row_shows_its_configuration(page: str, data: dict[str, Any]) -> None:
    """The configuration table has a row per measured server: its command as
    it ran, its workers, its threads, and for uvicorn the event loop and
    parser seen loaded (or, in a run that did not look, what was installed)."""
    rows = table_rows(page, "Row | Command")
    packages = data["software"].get("packages", {})
    for key, server in measured(data).items():
        cells = rows[registry.label(key)]
        assert cells[1] == f"`{server['command']}`", key
        assert cells[2] == n(expected_workers(server)), (key, cells)
        assert cells[3] == (n(server["threads"]) if "threads" in server else "not recorded"), (key, cells)
        if server["command"].startswith(("uvicorn ", "fastapi run ")):
            loaded = server.get("loaded")
            if loaded is None and {packages.get("uvloop"), packages.get("httptools")} == {"not installed"}:
                loaded = {"uvloop": False, "httptools": False}
            expected = ("not recorded" if loaded is None else
                        f"{'uvloop' if loaded['uvloop'] else 'asyncio'} + "
                        f"{'httptools' if loaded['httptools'] else 'h11'}")
            assert cells[4] == expected, (key, cells)
        else:
            assert cells[4] == "–", (key, cells)


def test_each_framework_is_compared_as_its_documentation_serves_it(page: str, data: dict[str, Any]) -> None:
    """Every framework has exactly one documented row in the registry, with a
    source; the configuration table links that source beside the row, and the
    main chart has a bar per documented row the data has, named by its
    framework, or the page says which were not measured."""
    rows = table_rows(page, "Row | Command")
    charts_ = SVG.findall(page)
    main = next(svg for svg in charts_ if "each framework as its documentation serves it" in svg
                and "GET /items/1" in svg)
    labels = [t.text for t in ET.fromstring(main).iter(f"{NS}text")]
    missing = []
    for key, fw in registry.frameworks().items():
        row, source = fw.documented_row()
        assert source.url.startswith("https://") and source.text, key
        if row not in measured(data):
            missing.append(registry.label(row))
            continue
        cells = rows[registry.label(row)]
        assert f"Documented for production: [{source.text}]({source.url})" in cells[5], (key, cells[5])
        assert fw.name in labels, f"{fw.name} has no bar in the main chart"
    if missing:
        assert ("Not measured in this run, so missing from the charts of documented configurations: "
                + "; ".join(missing)) in page
    else:
        assert "Not measured in this run, so missing" not in page


def test_a_framework_needs_one_documented_row() -> None:
    """The registry's rule the page leans on can fail: no documented row, or two."""
    fw = registry.framework("flask")
    import dataclasses

    with pytest.raises(LookupError, match="exactly one documented row"):
        dataclasses.replace(fw, variants=()).documented_row()
    with pytest.raises(LookupError, match="exactly one documented row"):
        dataclasses.replace(fw, documented=fw.variants[0].documented).documented_row()


def chart_titled(page: str, start: str) -> ET.Element:
    found = [svg for svg in SVG.findall(page) if f'aria-label="{start}' in svg]
    assert len(found) == 1, start
    return ET.fromstring(found[0])


def bar_labels(svg: ET.Element) -> list[str]:
    """The label of each bar: the text right of the label column's edge, one per bar."""
    edge = str(charts.LEFT - 8)
    return [t.text or "" for t in svg.iter(f"{NS}text") if t.get("x") == edge and t.get("font-size") is None]


def test_frameworks_have_their_own_axis(page: str, data: dict[str, Any]) -> None:
    """The requests/s charts hold the frameworks' rows and nothing else (no
    reference point), and each is scaled to its own largest bar: a whisker or
    a bar reaches the end of the plot."""
    plot_end = charts.WIDTH - charts.RIGHT
    rows = measured(data)
    documented = {fw.name for fw in registry.frameworks().values() if fw.documented_row()[0] in rows}
    single = {charts.plain(registry.label(k)) for k, t in registry.variants().items()
              if k in rows and not t.documented and "{workers}" not in t.command}
    one_worker = {registry.label(k) for k in data["frameworks"]} | single
    for title, expected in (("Requests per second, GET /items/1, each framework", documented),
                            ("Requests per second, GET /items, each framework", documented),
                            ("Requests per second, GET /items/1, one worker each", one_worker)):
        svg = chart_titled(page, title)
        labels = bar_labels(svg)
        assert sorted(labels) == sorted(expected), (title, labels)
        ends = [float(r.get("x")) + float(r.get("width")) for r in svg.iter(f"{NS}rect")]
        ends += [float(x) for path in svg.iter(f"{NS}path")
                 for x in re.findall(r"H([\d.]+)", path.get("d", ""))]
        if len(ends) > 0 and any(svg.iter(f"{NS}rect")):
            assert max(ends) == pytest.approx(plot_end, abs=0.2), (title, max(ends))


def test_the_reference_points_are_ratios(page: str, data: dict[str, Any]) -> None:
    """Node and the bare ASGI app appear as ratios to the frameworks' rows,
    computed here from the data."""
    rows = table_rows(page, "Reference point")
    bare = rps(data, "references", "bare_asgi_uvicorn")
    cell = flat(next(v[2] for k, v in rows.items() if k.startswith("bare ASGI app (uvicorn)")))
    for key in ("fastapi", "fastapi_async", "fastapi_hello_async", "django_uvicorn"):
        if key in measured(data):
            mine = measured(data)[key]["endpoints"]["/items/1"]["requests_per_s_median"]
            assert f"{registry.label(key)}: {pct(mine / bare)} of it" in cell, key
    node = rps(data, "references", "node_http")
    one_worker = {k: s["endpoints"]["/items/1"]["requests_per_s_median"] for k, s in measured(data).items()
                  if k not in ("node_http", "bare_asgi_uvicorn") and expected_workers(s) == 1}
    top = max(one_worker, key=one_worker.__getitem__)
    node_cell = next(v[2] for k, v in rows.items() if k.startswith("Node.js http"))
    assert (f"{node / one_worker[top]:.1f} × the fastest Python row of one worker "
            f"({registry.label(top)}, {n(one_worker[top])})") in node_cell


def test_def_and_async_def_are_the_data(page: str, data: dict[str, Any]) -> None:
    """The FastAPI section's figures: the Compare app as given (`def`), the same
    app with `async def`, and on asyncio and h11, or "not measured"; whether the
    server made a difference is said by the figures, beside the runs' own spread."""
    text, fa = flat(page), rps(data, "frameworks", "fastapi")
    aio = measured(data).get("fastapi_async")
    if aio:
        a = aio["endpoints"]["/items/1"]["requests_per_s_median"]
        assert (f"as the Compare page gives it (`def`), the app served {n(fa)} requests/s; with `async def` "
                f"endpoints, {n(a)}, {pct(abs(a / fa - 1))} {'more' if a >= fa else 'fewer'}") in text
    else:
        assert "FastAPI, the same app with `async def` endpoints was not measured in this run" in text
    plain = measured(data).get("fastapi_h11")
    if plain:
        h = plain["endpoints"]["/items/1"]["requests_per_s_median"]
        assert f"the same app served {n(h)} requests/s, {pct(h / fa)} of its {n(fa)}" in text
        noise = max((e["requests_per_s_max"] - e["requests_per_s_min"]) / e["requests_per_s_median"]
                    for e in (plain["endpoints"]["/items/1"], measured(data)["fastapi"]["endpoints"]["/items/1"]))
        verdict = ("made no difference beyond the spread of the runs" if abs(h / fa - 1) <= noise
                   else "The server matters too" if h < fa else "did not help")
        assert f"{verdict}: on asyncio and h11" in text, "the verdict on uvloop and httptools is not the data's"
    else:
        assert "FastAPI, uvicorn without uvloop and httptools was not measured in this run" in text


def test_an_older_results_file_says_what_it_lacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A results file from before the documented rows, the threads and the
    loaded modules were recorded renders, and says what it lacks."""
    data = copy.deepcopy(made_up())
    data["variants"] = {k: v for k, v in data["variants"].items() if k in ("django_uvicorn", "flask_gunicorn_gthread")}
    for server in measured(data).values():
        del server["threads"], server["loaded"]
    page = render_with(data, tmp_path, monkeypatch)
    missing = [registry.label(fw.documented_row()[0]) for fw in registry.frameworks().values()
               if fw.documented_row()[0] not in data["frameworks"]]
    assert ("Not measured in this run, so missing from the charts of documented configurations: "
            + "; ".join(missing) + ".") in page
    assert f"only {len(FRAMEWORKS) - len(missing)} of the {len(FRAMEWORKS)} were measured in this run" in page
    assert "threads were not recorded in this run" in page
    rows = table_rows(page, "Row | Command")
    assert rows["FastAPI"][3:5] == ["not recorded", "not recorded"], rows["FastAPI"]
    assert "FastAPI, the same app with `async def` endpoints was not measured in this run (it did not run)" in page


@pytest.mark.server
def test_two_worker_processes_keep_two_stores(tmp_path: Path) -> None:
    """The page says the Compare page runs one worker because several worker
    processes would each keep a store of their own, so an item added through
    one would be missing from the others. Two processes of the Compare Flask
    app, each importing it as a gunicorn worker does, on two free ports: an
    item added through one is found there, and not through the other."""
    import shutil

    from guide.clients import HTTPClient
    from guide.processes import Server, free_port, reader_env
    from guide.walkthroughs import Command

    shutil.copytree(walkthrough("compare.flask").source, tmp_path / "app")
    ports = [free_port(), free_port()]
    started = [Server(Command(f"gunicorn --bind 127.0.0.1:{port} app:app",
                              output=(f"Listening at: http://127.0.0.1:{port}",)),
                      port, tmp_path / "app", "two stores", reader_env()) for port in ports]
    with started[0], started[1]:
        one, other = (HTTPClient(s.base_url) for s in started)
        try:
            added = one.request("POST", "/items", b'{"id": 7, "name": "Saw"}', {"Content-Type": "application/json"})
            assert added.status == 201, added
            assert one.get("/items/7").status == 200
            assert other.get("/items/7").status == 404
        finally:
            one.close()
            other.close()


# --------------------------------------------------------------------------
# Readable and accessible: headers, colours, figures as text
# --------------------------------------------------------------------------


def test_every_table_header_names_its_column(page: str) -> None:
    """No table on the page has an empty header cell (axe-core's
    `empty-table-header`): the key/value tables name both columns."""
    lines = page.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.startswith("|") and re.fullmatch(r"\|(?:-+\|)+", lines[i + 1].strip()):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert all(cells), f"a table header with an empty cell: {line}"


def test_charts_use_the_page_colours_and_say_their_figures(page: str) -> None:
    """Chart text is in the page's text colour and bars in its link colour (or
    outlined in it), so both read in light and dark mode; no colour is fixed.
    Each chart says every bar's label and value in its `<desc>` too."""
    for raw in SVG.findall(page):
        svg = ET.fromstring(raw)
        for element in svg.iter():
            for paint in (element.get("fill"), element.get("stroke")):
                assert paint in (None, "currentColor", "none"), (element.tag, paint)
            style = element.get("style", "")
            for paint in re.findall(r"(?:fill|stroke):([^;]+)", style):
                assert paint in ("none", charts.COLOUR), (element.tag, style)
        desc = svg.find(f"{NS}desc")
        assert desc is not None and desc.text, raw[:200]
        texts = [t.text for t in svg.iter(f"{NS}text")]
        values = texts[:-1]  # the last text is the axis's unit
        for value in values:
            assert value in desc.text, (value, desc.text[:300])
            assert "`" not in value, value  # SVG shows Markdown's marks as they are


# --------------------------------------------------------------------------
# What the page says of FastAPI's `def` and `async def`, as FastAPI does it
# --------------------------------------------------------------------------


def test_the_compare_app_has_plain_def_endpoints_behind_a_middleware() -> None:
    """The page says the Compare FastAPI app's endpoints are plain `def` and
    that an HTTP middleware wraps every request."""
    from fastapi.routing import APIRoute
    from starlette.middleware.base import BaseHTTPMiddleware

    w = walkthrough("compare.fastapi")
    app = app_of(w, w.step("prod"))
    endpoints = [r.endpoint for r in app.routes if isinstance(r, APIRoute)]
    assert endpoints and not any(asyncio.iscoroutinefunction(e) for e in endpoints), endpoints
    assert any(m.cls is BaseHTTPMiddleware for m in app.user_middleware), app.user_middleware


async def asgi_get(app: Any, path: str) -> dict[str, Any]:
    """One GET through an ASGI app in this event loop; the JSON it answers."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1), "server": ("test", 80)}
    body: list[bytes] = []
    asked = False

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if asked:
            await asyncio.Event().wait()  # no disconnect: the request stays open until answered
        asked = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return json.loads(b"".join(body))


@pytest.mark.parametrize("kind", ["def", "async def"])
def test_a_blocking_endpoint_holds_up_the_process_only_when_async(kind: str) -> None:
    """The page says FastAPI hands a `def` endpoint to a thread, so the event
    loop goes on serving while it blocks, and runs an `async def` one on the
    loop, which a blocking call then holds up. No clock: /hold blocks on an
    event that only /release sets, started once /hold has begun; it answers
    whether it was released, or gave up after `timeout` with the loop held."""
    from fastapi import FastAPI

    app, begun, gate = FastAPI(), threading.Event(), threading.Event()
    timeout = 10.0 if kind == "def" else 0.3

    def hold() -> dict[str, bool]:
        begun.set()
        return {"released": gate.wait(timeout), "on_a_thread": threading.current_thread() is not main}

    async def hold_async() -> dict[str, bool]:
        return hold()

    app.get("/hold")(hold if kind == "def" else hold_async)

    @app.get("/release")
    async def release() -> dict[str, bool]:
        gate.set()
        return {"released": True}

    async def scenario() -> dict[str, Any]:
        held = asyncio.ensure_future(asgi_get(app, "/hold"))
        while not begun.is_set():
            await asyncio.sleep(0.001)
        await asgi_get(app, "/release")
        return await held

    main = threading.current_thread()
    answer = asyncio.run(scenario())
    if kind == "def":
        assert answer == {"released": True, "on_a_thread": True}, answer
    else:
        assert answer == {"released": False, "on_a_thread": False}, answer


def test_the_servers_are_configured_as_the_page_says(page: str, data: dict[str, Any]) -> None:
    """The page's account of each documented configuration is the registry's:
    gunicorn with the documented worker count for Django, Flask and Bottle;
    `fastapi run` with as many workers for FastAPI (uvloop and httptools
    loaded, when the run recorded it); Tornado's
    launcher forking one process per core; Pyramid and CherryPy on the Compare
    page's own command, one process with a pool of threads (when the run
    recorded threads). Node's reference server runs one process."""
    rows = {key: fw.documented_row()[0] for key, fw in registry.frameworks().items()}
    for key in ("django", "flask", "bottle"):
        assert registry.targets()[rows[key]].command.startswith("gunicorn --workers {workers} "), key
    fastapi = registry.targets()[rows["fastapi"]].command
    assert fastapi.startswith("fastapi run ") and "--workers {workers}" in fastapi, fastapi
    if "loaded" in measured(data).get(rows["fastapi"], {}):
        assert measured(data)[rows["fastapi"]]["loaded"] == {"uvloop": True, "httptools": True}
    launcher = ROOT / "bench" / "servers" / registry.targets()[rows["tornado"]].files[0]
    assert "tornado.process.fork_processes(0)" in launcher.read_text(encoding="utf-8")
    assert rows["pyramid"] == "pyramid" and rows["cherrypy"] == "cherrypy"
    same = [registry.label(key) for key in FRAMEWORKS if rows[key] == key]
    named = " and ".join([", ".join(same[:-1]), same[-1]])
    assert f"for {named} the two are one" in flat(page), named
    for key in (key for key in FRAMEWORKS if rows[key] == key):
        server = data["frameworks"][key]
        assert server.get("processes", 1) == 1, (key, server.get("processes"))
        if "threads" in server:
            assert server["threads"] > 1, (key, server["threads"])
    if "processes" in data["references"]["node_http"]:
        assert data["references"]["node_http"]["processes"] == 1


def test_what_the_install_lines_bring(page: str) -> None:
    """The page says `fastapi[standard]` brings uvloop and httptools, and that
    the Compare page's `pip install fastapi uvicorn` does not: as the installed
    distributions' own requirements say."""
    import importlib.metadata as md

    def extra_only(dist: str, wanted: str) -> list[str]:
        """`dist`'s requirements naming `wanted`, each only with an extra, never by default."""
        found = [r for r in md.requires(dist) or [] if re.match(rf"{re.escape(wanted)}(?![\w-])", r)]
        assert found and all(re.search(r"extra == [\"']", r) for r in found), (dist, found)
        return found

    assert any(re.search(r"extra == [\"']standard[\"']", r) for r in extra_only("fastapi", "uvicorn[standard]"))
    for module in ("uvloop", "httptools"):
        assert any(re.search(r"extra == [\"']standard[\"']", r) for r in extra_only("uvicorn", module)), module
    install = walkthrough("compare.fastapi").step("install").commands
    assert [c.line for c in install] == ["python -m pip install fastapi uvicorn"], install
    assert "(what the Compare page's `pip install fastapi uvicorn` gives)" in flat(page)
