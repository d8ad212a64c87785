from wsgiref.simple_server import make_server

from pyramid.config import Configurator
from pyramid.exceptions import URLDecodeError
from pyramid.response import Response


def hello_world(request):
    return Response("Hello from Pyramid!")


def bad_url(request):
    # A path like /%FF is not valid UTF-8: say so instead of failing with a 500.
    return Response("The URL is not valid UTF-8.", status=400, content_type="text/plain")


def make_app():
    with Configurator() as config:
        config.add_route("hello", "/")
        config.add_view(hello_world, route_name="hello")
        config.add_exception_view(bad_url, context=URLDecodeError)
        app = config.make_wsgi_app()
    return app


if __name__ == "__main__":
    with make_server("127.0.0.1", 6543, make_app()) as server:
        host, port = server.server_address
        print(f"Serving on http://{host}:{port} (press Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
