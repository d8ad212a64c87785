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
    """What is wrong with a new item, in the contract's words; None if nothing is."""
    if not isinstance(item, dict):
        return "the body must be a JSON object"
    if item.keys() - {"id", "name"}:
        return "only id and name are allowed"
    if item.keys() != {"id", "name"}:
        return "both id and name are required"
    # type(), not isinstance(): JSON true and false arrive as bool, an int to Python.
    if type(item["id"]) is not int or not 1 <= item["id"] <= MAX_ID:
        return f"id must be an integer from 1 to {MAX_ID}"
    if not isinstance(item["name"], str) or not 1 <= len(item["name"]) <= 100:
        return "name must be a string of 1 to 100 characters"
    return None


class JsonHandler(tornado.web.RequestHandler):
    ALLOWED = ()  # the methods its path takes, for the Allow header

    def send(self, status, data):
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def write_error(self, status_code, **kwargs):
        # Tornado's own error pages (405, or 500 if a handler fails) as JSON.
        message = HTTPStatus(status_code).phrase.lower()
        if status_code == 405:
            self.set_header("Allow", ", ".join(self.ALLOWED))
            message = "method not allowed; see the Allow header"
        self.send(status_code, {"error": message})


# Tornado parses a form body (multipart/form-data, urlencoded) before a
# handler runs, and answers a malformed one with 400, whatever the method.
# These handlers read the body themselves, and answer once all of it has
# arrived (a method they do not define answers 405 then).
@tornado.web.stream_request_body
class BodyHandler(JsonHandler):
    def prepare(self):
        self.body = b""

    def data_received(self, chunk):
        self.body += chunk[: MAX_BODY + 1 - len(self.body)]  # enough to tell it is too long


class ItemsHandler(BodyHandler):
    ALLOWED = ("GET", "POST")

    def get(self):
        self.send(200, sorted(items.values(), key=lambda i: i["id"]))

    def post(self):
        if len(self.body) > MAX_BODY:
            return self.send(413, {"error": f"the body must be at most {MAX_BODY} bytes"})
        media_type = self.request.headers.get("Content-Type", "").split(";")[0]
        if media_type.strip().lower() != "application/json":
            return self.send(415, {"error": "the Content-Type must be application/json"})
        try:
            item = json.loads(self.body)
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


class ItemHandler(BodyHandler):
    ALLOWED = ("GET", "DELETE")

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

    def write_error(self, status_code, **kwargs):
        self.prepare()  # also when Tornado could not parse the body: the path is wrong first


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
