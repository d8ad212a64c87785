import json

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

app = Flask(__name__)

# A simple in-memory "database"
items = [
    {"id": 1, "name": "Item One"},
    {"id": 2, "name": "Item Two"},
]


@app.get("/api/items")
def get_items():
    return jsonify(items)


@app.get("/api/items/<int:item_id>")
def get_item(item_id):
    item = next((i for i in items if i["id"] == item_id), None)
    if item is None:
        return jsonify(error="Item not found"), 404
    return jsonify(item)


@app.errorhandler(HTTPException)
def http_error(error):
    # Other errors, such as /api/items/abc or a POST, answer in JSON too.
    response = error.get_response()  # keeps the status and headers such as Allow
    response.data = json.dumps({"error": error.name})
    response.content_type = "application/json"
    return response


if __name__ == "__main__":
    app.run()
