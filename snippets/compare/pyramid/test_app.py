import pytest
from webtest import TestApp

from app import make_app

SEED = [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}]


@pytest.fixture()
def testapp():
    return TestApp(make_app())


def test_list(testapp):
    assert testapp.get("/items").json == SEED


def test_missing_item(testapp):
    response = testapp.get("/items/999", status=404)
    assert response.json == {"error": "item 999 not found"}


def test_create_read_delete(testapp):
    response = testapp.post_json("/items", {"id": 3, "name": "Saw"}, status=201)
    assert response.headers["Location"].endswith("/items/3")
    assert testapp.get("/items/3").json == {"id": 3, "name": "Saw"}
    testapp.delete("/items/3", status=204)
    testapp.get("/items/3", status=404)


def test_invalid_item(testapp):
    testapp.post_json("/items", {"id": "three", "name": "Saw"}, status=422)
    assert testapp.get("/items").json == SEED


def test_wrong_method(testapp):
    response = testapp.put("/items", status=405)
    assert "POST" in response.headers["Allow"]
