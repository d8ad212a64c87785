import pytest
from webtest import TestApp

from app import app

SEED = [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}]


@pytest.fixture()
def client():
    return TestApp(app)


def test_list(client):
    assert client.get("/items").json == SEED


def test_missing_item(client):
    response = client.get("/items/999", status=404)
    assert response.json == {"error": "item 999 not found"}


def test_create_read_delete(client):
    response = client.post_json("/items", {"id": 3, "name": "Saw"}, status=201)
    assert response.headers["Location"].endswith("/items/3")
    assert client.get("/items/3").json == {"id": 3, "name": "Saw"}
    client.delete("/items/3", status=204)
    client.get("/items/3", status=404)


def test_invalid_item(client):
    client.post_json("/items", {"id": "three", "name": "Saw"}, status=422)
    assert client.get("/items").json == SEED


def test_wrong_method(client):
    response = client.put("/items", status=405)
    assert "POST" in response.headers["Allow"]
