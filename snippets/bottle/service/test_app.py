import pytest
from webtest import TestApp

from app import app


@pytest.fixture()
def client():
    return TestApp(app)


def test_greeting(client):
    response = client.get("/greet/Ada")
    assert response.text == "<b>Hello, Ada!</b>"


def test_greeting_escapes_html(client):
    response = client.get("/greet/%3Cscript%3E")
    assert response.text == "<b>Hello, &lt;script&gt;!</b>"


def test_square(client):
    response = client.get("/square/-12")
    assert response.text == "The square of -12 is 144."


def test_not_a_number(client):
    client.get("/square/five", status=404)


def test_too_many_digits(client):
    response = client.get("/square/" + "9" * 1001, status=400)
    assert "at most 1000 digits" in response.text
