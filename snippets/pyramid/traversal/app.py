from html import escape
from wsgiref.simple_server import make_server

from pyramid.config import Configurator
from pyramid.exceptions import URLDecodeError
from pyramid.response import Response


class Folder(dict):
    """A resource with children: traversal finds them with __getitem__."""

    def __init__(self, title):
        super().__init__()
        self.title = title
        self.__name__ = ""
        self.__parent__ = None

    def add(self, name, child):
        child.__name__ = name
        child.__parent__ = self
        self[name] = child
        return child


class Page:
    """A resource without children: traversal stops here."""

    def __init__(self, title, text):
        self.title = title
        self.text = text


root = Folder("Home")
docs = root.add("docs", Folder("Documentation"))
docs.add("intro", Page("Introduction", "Start here."))
docs.add("install", Page("Installing", "Run pip install pyramid."))
root.add("about", Page("About", "A tiny site served by traversal."))


def get_root(request):
    return root


def folder_view(context, request):
    links = "".join(
        f'<li><a href="{request.resource_path(child)}">{escape(child.title)}</a></li>'
        for child in context.values()
    )
    return Response(f"<h1>{escape(context.title)}</h1><ul>{links}</ul>")


def page_view(context, request):
    return Response(f"<h1>{escape(context.title)}</h1><p>{escape(context.text)}</p>")


def not_found(request):
    body = f"<h1>Not found</h1><p>Nothing lives at {escape(request.path_info)}</p>"
    return Response(body, status=404)


def bad_url(request):
    # A path like /%FF is not valid UTF-8: say so instead of failing with a 500.
    return Response("The URL is not valid UTF-8.", status=400, content_type="text/plain")


def make_app():
    with Configurator(root_factory=get_root) as config:
        config.add_view(folder_view, context=Folder)
        config.add_view(page_view, context=Page)
        config.add_notfound_view(not_found)
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
