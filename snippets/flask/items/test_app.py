import pytest

from app import app


@pytest.fixture()
def client():
    app.config.update(TESTING=True)  # an exception in a view fails the test, not a 500
    return app.test_client()


def test_list_items(client):
    response = client.get("/api/items")
    assert response.status_code == 200
    assert response.json == [{"id": 1, "name": "Item One"}, {"id": 2, "name": "Item Two"}]


def test_one_item(client):
    response = client.get("/api/items/1")
    assert response.status_code == 200
    assert response.json == {"id": 1, "name": "Item One"}


def test_missing_item(client):
    response = client.get("/api/items/3")
    assert response.status_code == 404
    assert response.json == {"error": "Item not found"}


def test_other_errors_are_json(client):
    response = client.post("/api/items")
    assert response.status_code == 405
    assert response.json == {"error": "Method Not Allowed"}
