import threading

from flask import Flask, jsonify, request
from flask.views import MethodView
from werkzeug.exceptions import BadRequest, HTTPException

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 1024  # a longer body gets 413

MAX_ITEMS = 100
MAX_ID = 2**31 - 1
items = {1: {"id": 1, "name": "Hammer"}, 2: {"id": 2, "name": "Nails"}}
lock = threading.Lock()  # the development server runs each request in a thread


def problem(data):
    """What is wrong with a new item, in the contract's words; None if nothing is."""
    if not isinstance(data, dict):
        return "the body must be a JSON object"
    if set(data) - {"id", "name"}:
        return "only id and name are allowed"
    if set(data) != {"id", "name"}:
        return "both id and name are required"
    if type(data["id"]) is not int or not 1 <= data["id"] <= MAX_ID:
        return f"id must be an integer from 1 to {MAX_ID}"
    if not isinstance(data["name"], str) or not 1 <= len(data["name"]) <= 100:
        return "name must be a string of 1 to 100 characters"
    return None


def error(status, message):
    return {"error": message}, status  # Flask sends a dict as JSON


class ItemList(MethodView):
    def get(self):
        with lock:
            found = sorted(items.values(), key=lambda item: item["id"])
        return jsonify(found)

    def post(self):
        # Checked here: request.get_json() would take application/*+json too.
        if request.mimetype != "application/json":
            return error(415, "the Content-Type must be application/json")
        try:
            data = request.get_json()  # 413 if too long
        except BadRequest:
            return error(422, "the body is not valid JSON")
        if message := problem(data):
            return error(422, message)
        item = {"id": data["id"], "name": data["name"]}
        with lock:
            if item["id"] in items:
                return error(409, f"item {item['id']} already exists")
            if len(items) >= MAX_ITEMS:
                return error(507, f"the store is full ({MAX_ITEMS} items)")
            items[item["id"]] = item
        return jsonify(item), 201, {"Location": f"/items/{item['id']}"}


class Item(MethodView):
    def get(self, item_id):
        with lock:
            item = items.get(item_id)
        if item is None:
            return error(404, f"item {item_id} not found")
        return jsonify(item)

    def delete(self, item_id):
        with lock:
            if items.pop(item_id, None) is None:
                return error(404, f"item {item_id} not found")
        response = app.response_class(status=204)
        del response.headers["Content-Type"]  # no body, so no type either
        return response


# One rule per path, so /items/<not a number> is a 404 whatever the method.
app.add_url_rule("/items", view_func=ItemList.as_view("items"))
app.add_url_rule("/items/<int:item_id>", view_func=Item.as_view("item"))


# Werkzeug's own errors, in the contract's words.
WERKZEUG_ERRORS = {
    404: "there is nothing at this path",
    405: "method not allowed; see the Allow header",
    413: "the body must be at most 1024 bytes",
}


@app.errorhandler(HTTPException)
def http_error(exc):
    # Every error Flask raises (404, 405, 413) answers in JSON.
    response = exc.get_response()  # keeps the status and headers such as Allow
    response.data = app.json.dumps({"error": WERKZEUG_ERRORS.get(exc.code, exc.description)})
    response.content_type = "application/json"
    return response
