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


def key(item_id):
    """The store's key for an id taken from the path; None if it is no id."""
    return int(item_id) if ID.fullmatch(item_id) else None


@cherrypy.tools.register("before_request_body")
def json_body():
    """Before json_in: APPLICATION/JSON is JSON too (json_in matches media
    types exactly), and a POST with no Content-Length has an empty body, as
    HTTP says (CherryPy would answer 411, Length Required)."""
    request = cherrypy.request
    request.body.content_type.value = request.body.content_type.value.lower()
    if "Content-Length" not in request.headers and "Transfer-Encoding" not in request.headers:
        request.headers["Content-Length"] = "0"
        request.body.length = 0


def parse_json(entity):
    """json_in's body processor, answering 422 (not 400) to malformed JSON."""
    with cherrypy.HTTPError.handle((ValueError, RecursionError), 422, "the body is not valid JSON"):
        cherrypy.request.json = json.loads(entity.fp.read())


def error(status, message):
    cherrypy.response.status = status
    return {"error": message}  # json_out sends it as JSON


# CherryPy's own errors, in the contract's words.
CHERRYPY_ERRORS = {
    404: "there is nothing at this path",
    405: "method not allowed; see the Allow header",
    413: "the body must be at most 1024 bytes",
    415: "the Content-Type must be application/json",
}


def json_error(status, message, traceback, version):
    """Every error page CherryPy makes (its own, and parse_json's 422) as JSON instead of HTML."""
    cherrypy.response.headers["Content-Type"] = "application/json"
    code = int(status.split()[0])
    # CherryPy has HTML-escaped the message for its HTML pages: undo that.
    return json.dumps({"error": CHERRYPY_ERRORS.get(code, html.unescape(message))})


@cherrypy.expose
class Item:
    """/items/{id}: the id arrives as the `item_id` argument."""

    @cherrypy.tools.json_out()
    def GET(self, item_id):
        with lock:
            item = items.get(key(item_id))
        if item is None:
            return error(404, f"item {item_id} not found")
        return item

    @cherrypy.tools.json_out()
    def DELETE(self, item_id):
        with lock:
            item = items.pop(key(item_id), None)
        if item is None:
            return error(404, f"item {item_id} not found")
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

    @cherrypy.config(**{"request.process_request_body": True})
    @cherrypy.tools.json_body()
    @cherrypy.tools.json_in(content_type="application/json", processor=parse_json)
    @cherrypy.tools.json_out()
    def POST(self):
        item = cherrypy.request.json
        if problem := problem_with(item):
            return error(422, problem)
        with lock:
            if item["id"] in items:
                return error(409, f"item {item['id']} already exists")
            if len(items) >= MAX_ITEMS:
                return error(507, f"the store is full ({MAX_ITEMS} items)")
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
        # Bodies are not read (CherryPy would parse a form, and a malformed
        # one would be a 500), but by Items.POST, as JSON.
        "request.process_request_body": False,
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
