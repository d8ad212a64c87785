import html
import json
import re
import sys
import threading

import cherrypy

MAX_ITEMS = 100
MAX_ID = 2_147_483_647
ID = re.compile(r"[0-9]{1,10}")  # 1 to 10 digits

items = {1: {"id": 1, "name": "Hammer"}, 2: {"id": 2, "name": "Nails"}}
lock = threading.Lock()  # CherryPy's server answers requests in a thread pool


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


def key(item_id):
    """The store's key for an id taken from the path; None if it is no id."""
    return int(item_id) if ID.fullmatch(item_id) else None


@cherrypy.tools.register("before_request_body")
def any_case_media_type():
    """json_in matches media types exactly; APPLICATION/JSON is JSON too."""
    media_type = cherrypy.request.body.content_type
    media_type.value = media_type.value.lower()


def parse_json(entity):
    """json_in's body processor, answering 422 (not 400) to malformed JSON."""
    with cherrypy.HTTPError.handle((ValueError, RecursionError), 422, "the body is not valid JSON"):
        cherrypy.request.json = json.loads(entity.fp.read())


def json_error(status, message, traceback, version):
    """Every error page (CherryPy's and ours) as JSON instead of HTML."""
    cherrypy.response.headers["Content-Type"] = "application/json"
    # CherryPy has HTML-escaped the message for its HTML pages: undo that.
    return json.dumps({"error": html.unescape(message)})


@cherrypy.expose
class Item:
    """/items/{id}: the id arrives as the `item_id` argument."""

    @cherrypy.tools.json_out()
    def GET(self, item_id):
        with lock:
            item = items.get(key(item_id))
        if item is None:
            raise cherrypy.HTTPError(404, f"item {item_id} not found")
        return item

    def DELETE(self, item_id):
        with lock:
            item = items.pop(key(item_id), None)
        if item is None:
            raise cherrypy.HTTPError(404, f"item {item_id} not found")
        cherrypy.response.status = 204
        cherrypy.response.headers.pop("Content-Type")  # no body, so no type either


@cherrypy.expose
class Items:
    """/items: the collection."""

    def _cp_dispatch(self, vpath):
        # /items/<anything>: the rest of the path is Item's `item_id` argument.
        cherrypy.request.params["item_id"] = "/".join(vpath)
        vpath.clear()
        return Item()

    @cherrypy.tools.json_out()
    def GET(self):
        with lock:
            return sorted(items.values(), key=lambda i: i["id"])

    @cherrypy.tools.any_case_media_type()
    @cherrypy.tools.json_in(content_type="application/json", processor=parse_json)
    @cherrypy.tools.json_out()
    def POST(self):
        item = cherrypy.request.json
        if problem := problem_with(item):
            raise cherrypy.HTTPError(422, problem)
        with lock:
            if item["id"] in items:
                raise cherrypy.HTTPError(409, f"item {item['id']} already exists")
            if len(items) >= MAX_ITEMS:
                raise cherrypy.HTTPError(507, f"the store is full ({MAX_ITEMS} items)")
            items[item["id"]] = item
        cherrypy.response.status = 201
        cherrypy.response.headers["Location"] = f"/items/{item['id']}"
        return item


class Root:
    items = Items()


config = {
    "/": {
        # Methods named GET, POST, DELETE; others get 405 with an Allow header.
        "request.dispatch": cherrypy.dispatch.MethodDispatcher(),
        "request.body.maxbytes": 1024,  # a bigger body gets 413
        "request.show_tracebacks": False,
        "error_page.default": json_error,
    },
}

if __name__ == "__main__":
    cherrypy.config.update({
        "server.socket_host": "127.0.0.1",
        "server.socket_port": 8006,
        # Room for many clients connecting at once; the default of 5 resets some.
        "server.socket_queue_size": 128,
        # python app.py --reload restarts the server when this file changes.
        "engine.autoreload.on": "--reload" in sys.argv,
    })
    cherrypy.quickstart(Root(), "", config)
