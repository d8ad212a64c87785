from fastapi.testclient import TestClient

from app import app

client = TestClient(app)

SEED = [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}]


def test_list():
    response = client.get("/items")
    assert response.status_code == 200
    assert response.json() == SEED


def test_missing_item():
    response = client.get("/items/999")
    assert response.status_code == 404
    assert response.json() == {"error": "item 999 not found"}


def test_create_read_delete():
    response = client.post("/items", json={"id": 3, "name": "Saw"})
    assert response.status_code == 201
    assert response.headers["Location"] == "/items/3"
    assert client.get("/items/3").json() == {"id": 3, "name": "Saw"}
    assert client.delete("/items/3").status_code == 204
    assert client.get("/items/3").status_code == 404


def test_invalid_item():
    response = client.post("/items", json={"id": "three", "name": "Saw"})
    assert response.status_code == 422
    assert client.get("/items").json() == SEED


def test_wrong_method():
    response = client.put("/items")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
