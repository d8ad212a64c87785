from flask import Flask, jsonify, request
from flask.views import MethodView

ITEMS = [{"id": 1, "name": "<script>alert('Zoë')</script> 東京 😀"}]  # sent back as JSON, exactly


app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 1024


class ItemList(MethodView):
    def get(self):
        return jsonify(ITEMS)

    def post(self):
        return jsonify(request.get_json()), 201


class Item(MethodView):
    def get(self, item_id):
        return jsonify(id=item_id)

    def delete(self, item_id):
        return "", 204


app.add_url_rule("/items", view_func=ItemList.as_view("items"))
app.add_url_rule("/items/<int:item_id>", view_func=Item.as_view("item"))
