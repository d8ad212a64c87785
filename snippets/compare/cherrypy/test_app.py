import json

import cherrypy
from cherrypy.test import helper

from app import Root, config

SEED = [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}]


class ItemsTest(helper.CPWebCase):
    interactive = False  # on a failure, report it instead of asking what to show

    @staticmethod
    def setup_server():
        cherrypy.tree.mount(Root(), "", config)

    def post(self, item):
        body = json.dumps(item)
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        self.getPage("/items", headers, "POST", body)

    def test_list(self):
        self.getPage("/items")
        self.assertStatus(200)
        self.assertEqual(json.loads(self.body), SEED)

    def test_missing_item(self):
        self.getPage("/items/999")
        self.assertStatus(404)
        self.assertEqual(json.loads(self.body), {"error": "item 999 not found"})

    def test_create_read_delete(self):
        self.post({"id": 3, "name": "Saw"})
        self.assertStatus(201)
        self.assertHeader("Location", "/items/3")
        self.getPage("/items/3")
        self.assertEqual(json.loads(self.body), {"id": 3, "name": "Saw"})
        self.getPage("/items/3", method="DELETE")
        self.assertStatus(204)
        self.getPage("/items/3")
        self.assertStatus(404)

    def test_invalid_item(self):
        self.post({"id": "three", "name": "Saw"})
        self.assertStatus(422)
        self.getPage("/items")
        self.assertEqual(json.loads(self.body), SEED)

    def test_wrong_method(self):
        self.getPage("/items", method="PUT")
        self.assertStatus(405)
        self.assertHeaderItemValue("Allow", "POST")
