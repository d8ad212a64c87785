"""Claims of the Flask page that the generic walkthrough checks do not cover."""

from __future__ import annotations

import pytest

from guide.clients import app_of, loopback_client
from guide.live import LiveServers
from guide.walkthroughs import walkthrough

ITEMS = walkthrough("flask.items")
HELLO = walkthrough("flask.hello")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_items_api_is_read_only_and_says_so_in_json(method: str) -> None:
    """Writing to the read-only API gets a JSON 405 naming the allowed methods."""
    app = app_of(ITEMS, ITEMS.step("serve"))
    response = app.test_client().open("/api/items", method=method, json={"id": 3})
    assert (response.status_code, response.json) == (405, {"error": "Method Not Allowed"}), (
        f"{ITEMS.page_file}: {method} /api/items gave {response.status_code} {response.data[:200]!r}"
    )
    assert "GET" in response.headers["Allow"]


@pytest.mark.server
@pytest.mark.parametrize("ref", ["flask.items.serve"])
def test_write_over_real_http_gets_json_405(ref: str, live: LiveServers) -> None:
    """The same answer from `python app.py` over real HTTP."""
    with loopback_client(live.server(ref).base_url) as client:
        response = client.post("/api/items", json={"id": 3})
    assert (response.status_code, response.json()) == (405, {"error": "Method Not Allowed"})


@pytest.mark.server
@pytest.mark.parametrize("ref", [f"{HELLO.id}.{step.id}" for step in HELLO.servers])
def test_debugger_only_when_the_page_says_so(ref: str, live: LiveServers) -> None:
    """`python app.py` runs without the debugger; the page's `--debug` command
    (shown with its warning) is the only way the debugger comes on."""
    server = live.server(ref)
    debug_on = "Debugger is active" in server.output
    assert debug_on == ref.endswith(".debug"), f"{HELLO.page_file}: {ref} printed:\n{server.output}"
