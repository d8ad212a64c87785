"""The Performance page: every figure it quotes is the benchmark data's.

`guide.render.performance` renders `docs/performance.md` from `bench/results.json`.
These tests render the page from the committed results (when there are some)
and from a small made-up results file, and check the rendered page against the
data, computed here independently of the hook: the quoted figures, the claims'
verdicts, every framework, and the inline SVG charts (well-formed, no external
reference). They also check that no figure is typed in the page's source and
that every framework page that speaks of speed links to the page.
"""

from __future__ import annotations

import copy
import json
import re
import statistics
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from guide import registry, render
from guide.paths import DOCS, ROOT
from guide.render import performance as perf_page

SOURCE = DOCS / "performance.md"
FRAMEWORKS = list(registry.frameworks())
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


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


def _server(command: str, port: int, base: float, cold: float, rss: float) -> dict[str, Any]:
    return {
        "command": command, "port": port, "hello_endpoint": "/items/1", "cold_start_s": cold,
        "peak_rss_mib": rss, "stopped": True, "port_free_after": True,
        "endpoints": {
            "/items": _endpoint([base * 0.9, base * 0.95, base * 0.97], 30.0, 90.5),
            "/items/1": _endpoint([base * 0.98, base * 1.0, base * 1.11], 25.25, 80.75),
        },
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
    return {
        "mode": "full",
        "date": "2026-01-02T03:04:05+00:00",
        "machine": {"cpu_model": "Test CPU", "cores": 2, "usable_cores": 2, "memory_gib": 8.0,
                    "os": "Linux", "loadavg_at_start": [1.25, 1.0, 1.0], "loadavg_at_end": [1.5, 1.0, 1.0]},
        "software": {"python": "3.11.7", "packages": {"fastapi": "0.1"}, "node": "v20", "go": "not available",
                     "wrk": "wrk 4.1.0"},
        "method": {"concurrency": 50, "wrk_threads": 1, "warmup_s": 2, "duration_s": 4, "repetitions": 3,
                   "endpoints": ["/items", "/items/1"], "wrk_timeout_s": 5, "slow_levels": [1000, 5000],
                   "slow_timeout_s": 20.0,
                   "wrk_command": "wrk -t{wrk_threads} -c{concurrency} -d{duration_s}s --latency URL"},
        "frameworks": frameworks,
        "references": {
            "bare_asgi_uvicorn": _server("uvicorn bare_asgi:app", 9011, 6543.0, 0.3, 31.0),
            "fastapi_no_access_log": _server("uvicorn app:app --no-access-log", 9003, 2999.0, 0.3, 33.0),
            "node_http": _server("node node_http.js 9012", 9012, 21987.0, 0.2, 45.0),
            "go": {"available": False, "note": "not available: no `go` on this machine"},
        },
        "slow_requests": {
            "tornado": {"command": "python slow_tornado.py 9013", "port": 9013,
                        "levels": {"1000": _level(1000, 1000, 1.62), "5000": _level(5000, 4321, 19.9)}},
            "gunicorn_sync_flask": {"command": "gunicorn slow_flask:app", "port": 9014,
                                    "levels": {"1000": _level(1000, 19, 19.1), "5000": _level(5000, 18, 19.2)}},
        },
        "variants": {
            "django_uvicorn": {"framework": "django", "label": "Django under uvicorn",
                               **_server("uvicorn django_asgi:application", 9016, 777.0, 0.4, 41.0)},
            "flask_gunicorn_gthread": {"framework": "flask", "label": "Flask, gthread",
                                       **_server("gunicorn --worker-class gthread", 9017, 1555.0, 0.2, 36.0)},
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
    """Digits in the page's prose come from markers; the only typed ones name
    the TechEmpower round cited and its year, and the endpoint."""
    text = SOURCE.read_text(encoding="utf-8")
    text = render.MARKER.sub("", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"`[^`]*`", "", text)  # code
    assert set(re.findall(r"\d+(?:[.,]\d+)*", text)) <= {"22", "2023"}


def test_fastapi_against_node_is_the_data(page: str, data: dict[str, Any]) -> None:
    fa, node = rps(data, "frameworks", "fastapi"), rps(data, "references", "node_http")
    assert f"{n(fa)} requests/s against {n(node)} for Node.js http, {pct(fa / node)} of it" in page
    verdict = "Holds against Node here" if fa / node >= perf_page.RIVALS else "Does not hold against Node here"
    assert f"**{verdict}**: FastAPI served {pct(fa / node)} of Node's requests/s" in page
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
    m = data["method"]
    assert f"over {m['concurrency']} connections" in page
    assert f"{m['repetitions']} runs of {m['duration_s']} seconds each" in page
    assert f"One shared machine with {data['machine']['usable_cores']} cores." in page
    assert f"The load average when the run started was {data['machine']['loadavg_at_start'][0]:.2f}" in page
    assert "https://www.techempower.com/benchmarks/" in page and "Round 22" in page


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


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_page_that_speaks_of_speed_links_to_the_performance_page(framework: str) -> None:
    text = (DOCS / f"{framework}.md").read_text(encoding="utf-8")
    said = SPEED.search(text)
    if not said:
        return
    assert "](performance.md" in text, (
        f"docs/{framework}.md speaks of speed ({said.group(0)!r}) but does not link to performance.md"
    )


@pytest.mark.parametrize("framework", FRAMEWORKS)
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
