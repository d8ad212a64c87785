import html

import cherrypy

config = {
    # Site-wide settings, used when this file is run as a script.
    "global": {
        "server.socket_host": "127.0.0.1",
        "server.socket_port": 8080,
        "engine.autoreload.on": False,
    },
    # Settings for the application mounted at the root of the site.
    "/": {
        "request.show_tracebacks": False,
    },
}


class HelloWorld:
    @cherrypy.expose
    def index(self):
        return "This is the homepage."

    @cherrypy.expose
    def greet(self, name="Guest"):
        if not isinstance(name, str):  # ?name=A&name=B arrives as a list
            cherrypy.response.status = 400
            return "Please give one name."
        return f"Hello, {html.escape(name)}!"

    @cherrypy.expose
    def add(self, a=0, b=0):
        try:
            x, y = int(a), int(b)
            return f"The sum of {x} and {y} is {x + y}."
        except (TypeError, ValueError):
            # TypeError: ?a=1&a=2 arrives as a list. ValueError: not an integer,
            # or a number or sum longer than Python's 4300-digit limit.
            cherrypy.response.status = 400
            return "Please provide integer values."


if __name__ == "__main__":
    cherrypy.quickstart(HelloWorld(), "", config)
