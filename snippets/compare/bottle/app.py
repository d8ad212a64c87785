import json
import threading

from bottle import BaseRequest, Bottle, HTTPError, abort, request, response

BaseRequest.MEMFILE_MAX = 1024  # request.json answers 413 to a longer body

app = Bottle()

MAX_ITEMS = 100
MAX_ID = 2**31 - 1
items = {1: {"id": 1, "name": "Hammer"}, 2: {"id": 2, "name": "Nails"}}
lock = threading.Lock()  # threaded servers run requests at the same time


def problem(data):
    """What is wrong with a new item, in words; None if nothing is."""
    if not isinstance(data, dict):
        return "the body must be a JSON object"
    if set(data) != {"id", "name"}:
        return "the object must have exactly the fields id and name"
    if type(data["id"]) is not int or not 1 <= data["id"] <= MAX_ID:
        return f"id must be an integer from 1 to {MAX_ID}"
    if not isinstance(data["name"], str) or not 1 <= len(data["name"]) <= 100:
        return "name must be a string of 1 to 100 characters"
    return None


def item_id_of(text):
    """The id in the URL as an int, or a 404 for 'abc', '-1' or 5000 digits."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        abort(404, f"item {text} not found")
    return int(text)


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
        abort(404, f"item {item_id} not found")
    return item  # Bottle sends a dict as JSON


@app.post("/items")
def create_item():
    if request.content_type.split(";")[0].strip().lower() != "application/json":
        abort(415, "the Content-Type must be application/json")
    try:
        data = request.json  # 413 if the body is too long
    except HTTPError as error:
        if error.status_code != 400:
            raise
        abort(422, "the body is not valid JSON")
    if error := problem(data):
        abort(422, error)
    item = {"id": data["id"], "name": data["name"]}
    with lock:
        if item["id"] in items:
            abort(409, f"item {item['id']} already exists")
        if len(items) >= MAX_ITEMS:
            abort(507, f"the store is full ({MAX_ITEMS} items)")
        items[item["id"]] = item
    response.status = 201
    response.set_header("Location", f"/items/{item['id']}")
    return item


@app.delete("/items/<item_id>")
def delete_item(item_id):
    with lock:
        if items.pop(item_id_of(item_id), None) is None:
            abort(404, f"item {item_id} not found")
    response.status = 204


def json_error(error):
    # Every error, including Bottle's own 404, 405 and 413, answers in JSON.
    response.content_type = "application/json"
    return json.dumps({"error": error.body})


app.default_error_handler = json_error

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8005)
