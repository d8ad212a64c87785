from flask import Flask, jsonify

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


@app.errorhandler(404)
def not_found(error):
    # Any other unknown URL, such as /api/items/abc, also answers in JSON.
    return jsonify(error="Not found"), 404


if __name__ == "__main__":
    app.run()
