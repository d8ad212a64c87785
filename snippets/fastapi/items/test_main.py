import pytest
from fastapi.testclient import TestClient

import main

client = TestClient(main.app)


@pytest.fixture(autouse=True)
def fresh_items():
    saved = list(main.items_db)
    yield
    main.items_db[:] = saved  # each test starts from the same two items


def test_list_items():
    response = client.get("/items/")
    assert response.status_code == 200
    assert [item["name"] for item in response.json()] == ["Hammer", "Nails"]


def test_read_item():
    response = client.get("/items/1")
    assert response.status_code == 200
    assert response.json() == {"id": 1, "name": "Hammer", "description": "A sturdy hammer"}


def test_missing_item():
    response = client.get("/items/3")
    assert response.status_code == 404
    assert response.json() == {"detail": "Item not found"}


def test_id_must_be_a_number():
    response = client.get("/items/abc")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "item_id"]


def test_create_item():
    response = client.post("/items/", json={"id": 3, "name": "Saw"})
    assert response.status_code == 201
    assert response.json() == {"id": 3, "name": "Saw", "description": None}
    assert client.get("/items/3").json()["name"] == "Saw"


def test_duplicate_id_is_refused():
    response = client.post("/items/", json={"id": 1, "name": "Another hammer"})
    assert response.status_code == 409
    assert len(client.get("/items/").json()) == 2
