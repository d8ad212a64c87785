import cherrypy

ITEMS = [{"id": 1, "name": "<script>alert('Zoë')</script> 東京 😀"}]  # sent back as JSON, exactly


@cherrypy.expose
class Item:
    @cherrypy.tools.json_out()
    def GET(self, item_id):
        return {"id": item_id}

    def DELETE(self, item_id):
        cherrypy.response.status = 204


@cherrypy.expose
class Items:
    def _cp_dispatch(self, vpath):
        cherrypy.request.params["item_id"] = "/".join(vpath)
        vpath.clear()
        return Item()

    @cherrypy.tools.json_out()
    def GET(self):
        return ITEMS

    @cherrypy.tools.json_in(content_type="application/json")
    @cherrypy.tools.json_out()
    def POST(self):
        cherrypy.response.status = 201
        return cherrypy.request.json


class Root:
    items = Items()


config = {
    "/": {
        "request.dispatch": cherrypy.dispatch.MethodDispatcher(),
        "request.body.maxbytes": 1024,
        "request.show_tracebacks": False,
    },
}

app = cherrypy.Application(Root(), "", config)
