import json
import threading

from bottle import BaseRequest, Bottle, HTTPError, request, response

BaseRequest.MEMFILE_MAX = 1024  # request.json answers 413 to a longer body

app = Bottle()

MAX_ITEMS = 100
MAX_ID = 2**31 - 1
items = {1: {"id": 1, "name": "Hammer"}, 2: {"id": 2, "name": "Nails"}}
lock = threading.Lock()  # threaded servers run requests at the same time


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


def item_id_of(text):
    """The id in the URL as an int; None for 'abc', '-1' or 5000 digits."""
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)):
        return int(text)
    return None


def error(status, message):
    response.status = status
    return {"error": message}  # Bottle sends a dict as JSON


@app.get("/items")
def list_items():
    response.content_type = "application/json"
    with lock:
        return json.dumps(sorted(items.values(), key=lambda item: item["id"]))


@app.get("/items/<item_id>")
def get_item(item_id):
    with lock:
        item = items.get(item_id_of(item_id))
    if item is None:
        return error(404, f"item {item_id} not found")
    return item


@app.post("/items")
def create_item():
    if request.content_type.split(";")[0].strip().lower() != "application/json":
        return error(415, "the Content-Type must be application/json")
    try:
        data = request.json  # 413 if the body is too long
    except HTTPError as exc:
        if exc.status_code != 400:
            raise
        return error(422, "the body is not valid JSON")
    except ValueError:  # a Content-Length that is not a number, which wsgiref passes on
        return error(422, "the body is not valid JSON")
    if data is None and not request.body.read(1):  # request.json is None for no body, too
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
    response.status = 201
    response.set_header("Location", f"/items/{item['id']}")
    return item


@app.delete("/items/<item_id>")
def delete_item(item_id):
    with lock:
        if items.pop(item_id_of(item_id), None) is None:
            return error(404, f"item {item_id} not found")
    response.status = 204


# Bottle's own errors, in the contract's words.
BOTTLE_ERRORS = {
    404: "there is nothing at this path",
    405: "method not allowed; see the Allow header",
    413: "the body must be at most 1024 bytes",
}


def json_error(exc):
    # Every error Bottle raises (404, 405, 413) answers in JSON.
    response.content_type = "application/json"
    return json.dumps({"error": BOTTLE_ERRORS.get(exc.status_code, exc.body)})


app.default_error_handler = json_error

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8005)
