import json

from tornado.testing import AsyncHTTPTestCase

from app import make_app

SEED = [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}]
JSON = {"Content-Type": "application/json"}


class ItemsTest(AsyncHTTPTestCase):
    def get_app(self):
        return make_app()

    def test_list(self):
        response = self.fetch("/items")
        self.assertEqual(response.code, 200)
        self.assertEqual(json.loads(response.body), SEED)

    def test_missing_item(self):
        response = self.fetch("/items/999")
        self.assertEqual(response.code, 404)
        self.assertEqual(json.loads(response.body), {"error": "item 999 not found"})

    def test_create_read_delete(self):
        item = {"id": 3, "name": "Saw"}
        response = self.fetch("/items", method="POST", headers=JSON, body=json.dumps(item))
        self.assertEqual(response.code, 201)
        self.assertEqual(response.headers["Location"], "/items/3")
        self.assertEqual(json.loads(self.fetch("/items/3").body), item)
        self.assertEqual(self.fetch("/items/3", method="DELETE").code, 204)
        self.assertEqual(self.fetch("/items/3").code, 404)

    def test_invalid_item(self):
        item = {"id": "three", "name": "Saw"}
        response = self.fetch("/items", method="POST", headers=JSON, body=json.dumps(item))
        self.assertEqual(response.code, 422)
        self.assertEqual(json.loads(self.fetch("/items").body), SEED)

    def test_wrong_method(self):
        response = self.fetch("/items", method="PUT", body="")
        self.assertEqual(response.code, 405)
        self.assertIn("POST", response.headers["Allow"])
