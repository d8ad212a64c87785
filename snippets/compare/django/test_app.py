from django.test import SimpleTestCase

SEED = [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}]


class ItemsTests(SimpleTestCase):
    def test_list(self):
        response = self.client.get("/items")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), SEED)

    def test_missing_item(self):
        response = self.client.get("/items/999")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"error": "item 999 not found"})

    def test_create_read_delete(self):
        item = {"id": 3, "name": "Saw"}
        response = self.client.post("/items", item, content_type="application/json")
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.headers["Location"], "/items/3")
        self.assertEqual(self.client.get("/items/3").json(), item)
        self.assertEqual(self.client.delete("/items/3").status_code, 204)
        self.assertEqual(self.client.get("/items/3").status_code, 404)

    def test_invalid_item(self):
        item = {"id": "three", "name": "Saw"}
        response = self.client.post("/items", item, content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.client.get("/items").json(), SEED)

    def test_wrong_method(self):
        response = self.client.put("/items")
        self.assertEqual(response.status_code, 405)
        self.assertIn("POST", response.headers["Allow"])
