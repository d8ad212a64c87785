import json
import threading

from pyramid.config import Configurator
from pyramid.exceptions import URLDecodeError
from pyramid.httpexceptions import HTTPNoContent
from waitress import serve

MAX_BODY = 1024  # bytes
MAX_ITEMS = 100
MAX_ID = 2_147_483_647

items = {1: {"id": 1, "name": "Hammer"}, 2: {"id": 2, "name": "Nails"}}
lock = threading.Lock()  # waitress answers requests in several threads


def error(request, status, message, **headers):
    request.response.status = status
    request.response.headers.update(headers)
    return {"error": message}


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


def list_items(request):
    with lock:
        return sorted(items.values(), key=lambda i: i["id"])


def create_item(request):
    if (request.content_length or 0) > MAX_BODY:
        return error(request, 413, f"the body must be at most {MAX_BODY} bytes")
    if request.content_type.lower() != "application/json":  # without "; charset=..."
        return error(request, 415, "the Content-Type must be application/json")
    try:
        # request.json_body would decode with the charset the client claims;
        # json.loads detects UTF-8, -16 and -32 from the bytes themselves.
        item = json.loads(request.body)
    except (ValueError, RecursionError):
        return error(request, 422, "the body is not valid JSON")
    if problem := problem_with(item):
        return error(request, 422, problem)
    with lock:
        if item["id"] in items:
            return error(request, 409, f"item {item['id']} already exists")
        if len(items) >= MAX_ITEMS:
            return error(request, 507, f"the store is full ({MAX_ITEMS} items)")
        items[item["id"]] = item
    request.response.status = 201
    # WebOb sends Location as an absolute URL, whatever it is given.
    request.response.location = request.route_url("item", id=item["id"])
    return item


def get_item(request):
    item_id = int(request.matchdict["id"])
    with lock:
        item = items.get(item_id)
    if item is None:
        return error(request, 404, f"item {item_id} not found")
    return item


def delete_item(request):
    item_id = int(request.matchdict["id"])
    with lock:
        item = items.pop(item_id, None)
    if item is None:
        return error(request, 404, f"item {item_id} not found")
    return HTTPNoContent()


def not_allowed(allowed):
    def view(request):
        return error(request, 405, "method not allowed; see the Allow header", Allow=allowed)

    return view


def not_found(exc, request):
    return error(request, 404, "there is nothing at this path")


def make_app():
    with Configurator() as config:
        config.add_route("items", "/items")
        # An id is 1 to 10 digits; anything else matches no route: 404.
        config.add_route("item", "/items/{id:[0-9]{1,10}}")
        json_view = {"renderer": "json"}
        config.add_view(list_items, route_name="items", request_method="GET", **json_view)
        config.add_view(create_item, route_name="items", request_method="POST", **json_view)
        config.add_view(get_item, route_name="item", request_method="GET", **json_view)
        config.add_view(delete_item, route_name="item", request_method="DELETE", **json_view)
        # Views without a method predicate catch every other method.
        config.add_view(not_allowed("GET, HEAD, POST"), route_name="items", **json_view)
        config.add_view(not_allowed("DELETE, GET, HEAD"), route_name="item", **json_view)
        config.add_notfound_view(not_found, **json_view)
        # A path that is not valid UTF-8, such as /%FF, cannot name anything here.
        config.add_exception_view(not_found, context=URLDecodeError, **json_view)
        return config.make_wsgi_app()


if __name__ == "__main__":
    print("Serving on http://127.0.0.1:8004 (press Ctrl-C to stop)")
    serve(make_app(), listen="127.0.0.1:8004")
