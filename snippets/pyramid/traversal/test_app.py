import pytest
from webtest import TestApp

from app import make_app


@pytest.fixture()
def testapp():
    return TestApp(make_app())


def test_root_lists_its_children(testapp):
    response = testapp.get("/", status=200)
    assert '<a href="/docs/">Documentation</a>' in response.text
    assert '<a href="/about/">About</a>' in response.text


def test_page(testapp):
    response = testapp.get("/docs/intro", status=200)
    assert response.text == "<h1>Introduction</h1><p>Start here.</p>"


def test_links_lead_to_pages(testapp):
    page = testapp.get("/").click("Documentation").click("Installing")
    assert page.text == "<h1>Installing</h1><p>Run pip install pyramid.</p>"


def test_missing_name(testapp):
    response = testapp.get("/docs/missing", status=404)
    assert response.text == "<h1>Not found</h1><p>Nothing lives at /docs/missing</p>"


def test_bad_url(testapp):
    response = testapp.get("/%FF", status=400)
    assert response.text == "The URL is not valid UTF-8."
