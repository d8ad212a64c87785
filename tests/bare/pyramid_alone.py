from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNoContent

ITEMS = [{"id": 1, "name": "<script>alert('Zoë')</script> 東京 😀"}]  # sent back as JSON, exactly


def list_items(request):
    return ITEMS


def create_item(request):
    request.response.status = 201
    return request.json_body


def get_item(request):
    return {"id": request.matchdict["id"]}


def delete_item(request):
    return HTTPNoContent()


def make_app():
    with Configurator() as config:
        config.add_route("items", "/items")
        config.add_route("item", "/items/{id:[0-9]{1,10}}")
        config.add_view(list_items, route_name="items", request_method="GET", renderer="json")
        config.add_view(create_item, route_name="items", request_method="POST", renderer="json")
        config.add_view(get_item, route_name="item", request_method="GET", renderer="json")
        config.add_view(delete_item, route_name="item", request_method="DELETE", renderer="json")
        return config.make_wsgi_app()


app = make_app()
