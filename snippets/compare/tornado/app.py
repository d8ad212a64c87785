import asyncio
import json
import sys
from http import HTTPStatus

import tornado.web

MAX_BODY = 1024  # bytes
MAX_ITEMS = 100
MAX_ID = 2_147_483_647

# No lock: Tornado runs every handler on one event loop thread, and these
# handlers never await, so no two of them can touch the store at once.
items = {1: {"id": 1, "name": "Hammer"}, 2: {"id": 2, "name": "Nails"}}


def problem_with(item):
    """What is wrong with a new item, in words; None if nothing is."""
    if not isinstance(item, dict):
        return "the body must be a JSON object"
    if item.keys() - {"id", "name"}:
        return "only 'id' and 'name' are allowed"
    if item.keys() != {"id", "name"}:
        return "both 'id' and 'name' are required"
    # JSON true and false arrive as bool, which Python counts as an int.
    if isinstance(item["id"], bool) or not isinstance(item["id"], int):
        return "'id' must be an integer"
    if not 1 <= item["id"] <= MAX_ID:
        return f"'id' must be between 1 and {MAX_ID}"
    if not isinstance(item["name"], str):
        return "'name' must be a string"
    if not 1 <= len(item["name"]) <= 100:
        return "'name' must be 1 to 100 characters long"
    return None


class JsonHandler(tornado.web.RequestHandler):
    def send(self, status, data):
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def write_error(self, status_code, **kwargs):
        # Tornado's own error pages (405, or 500 if a handler fails) as JSON.
        if status_code == 405:
            self.set_header("Allow", ", ".join(self.SUPPORTED_METHODS))
        self.send(status_code, {"error": HTTPStatus(status_code).phrase.lower()})


class ItemsHandler(JsonHandler):
    SUPPORTED_METHODS = ("GET", "POST")

    def get(self):
        self.send(200, sorted(items.values(), key=lambda i: i["id"]))

    def post(self):
        if len(self.request.body) > MAX_BODY:
            return self.send(413, {"error": f"the body must be at most {MAX_BODY} bytes"})
        media_type = self.request.headers.get("Content-Type", "").split(";")[0]
        if media_type.strip().lower() != "application/json":
            return self.send(415, {"error": "send the item as application/json"})
        try:
            item = json.loads(self.request.body)
        except (ValueError, RecursionError):
            return self.send(422, {"error": "the body is not valid JSON"})
        if problem := problem_with(item):
            return self.send(422, {"error": problem})
        if item["id"] in items:
            return self.send(409, {"error": f"item {item['id']} already exists"})
        if len(items) >= MAX_ITEMS:
            return self.send(507, {"error": f"the store is full ({MAX_ITEMS} items)"})
        items[item["id"]] = item
        self.set_header("Location", f"/items/{item['id']}")
        self.send(201, item)


class ItemHandler(JsonHandler):
    SUPPORTED_METHODS = ("GET", "DELETE")

    def get(self, item_id):
        item = items.get(int(item_id))
        if item is None:
            return self.send(404, {"error": f"item {item_id} not found"})
        self.send(200, item)

    def delete(self, item_id):
        if items.pop(int(item_id), None) is None:
            return self.send(404, {"error": f"item {item_id} not found"})
        self.set_status(204)


class NotFoundHandler(JsonHandler):
    def prepare(self):
        self.send(404, {"error": "there is nothing at this path"})


def make_app(**settings):
    return tornado.web.Application(
        [
            (r"/items", ItemsHandler),
            (r"/items/([0-9]{1,10})", ItemHandler),  # longer ids cannot exist
        ],
        default_handler_class=NotFoundHandler,
        **settings,
    )


async def main():
    # python app.py --reload restarts the server when this file changes.
    app = make_app(autoreload="--reload" in sys.argv)
    app.listen(8007, address="127.0.0.1")
    print("Listening on http://127.0.0.1:8007 (press Ctrl+C to stop)")
    await asyncio.Event().wait()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
