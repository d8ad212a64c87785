import json
import sys
import threading

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views import View

if not settings.configured:  # a test runner may have configured Django already
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=[".localhost", "127.0.0.1", "[::1]"],
        ROOT_URLCONF=__name__,
        # No CsrfViewMiddleware: CSRF protects cookie-based sessions, and this
        # API sets no cookies and reads none, so a forged cross-site request
        # carries nothing a direct request would not. Browsers cannot send a
        # cross-site application/json POST without a CORS preflight either.
        MIDDLEWARE=[],
        DATA_UPLOAD_MAX_MEMORY_SIZE=1024,  # request.body refuses anything bigger
    )

MAX_ITEMS = 100
MAX_ID = 2_147_483_647

items = {1: {"id": 1, "name": "Hammer"}, 2: {"id": 2, "name": "Nails"}}
lock = threading.Lock()  # runserver answers each request in its own thread


def error(status, message, **headers):
    return JsonResponse({"error": message}, status=status, headers=headers)


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


class JsonView(View):
    def http_method_not_allowed(self, request, *args, **kwargs):
        allowed = ", ".join(method.upper() for method in self.http_method_names)
        return error(405, "method not allowed; see the Allow header", Allow=allowed)


class ItemList(JsonView):
    http_method_names = ["get", "head", "post"]

    def get(self, request):
        with lock:
            return JsonResponse(sorted(items.values(), key=lambda i: i["id"]), safe=False)

    def post(self, request):
        media_type = request.content_type.lower()  # without "; charset=..."
        if media_type != "application/json":
            return error(415, "the Content-Type must be application/json")
        try:
            item = json.loads(request.body)
        except RequestDataTooBig:
            return error(413, "the body must be at most 1024 bytes")
        except (ValueError, RecursionError):
            return error(422, "the body is not valid JSON")
        if problem := problem_with(item):
            return error(422, problem)
        with lock:
            if item["id"] in items:
                return error(409, f"item {item['id']} already exists")
            if len(items) >= MAX_ITEMS:
                return error(507, f"the store is full ({MAX_ITEMS} items)")
            items[item["id"]] = item
        return JsonResponse(item, status=201, headers={"Location": f"/items/{item['id']}"})


class ItemDetail(JsonView):
    http_method_names = ["get", "head", "delete"]

    def get(self, request, item_id):
        with lock:
            item = items.get(item_id)
        if item is None:
            return error(404, f"item {item_id} not found")
        return JsonResponse(item)

    def delete(self, request, item_id):
        with lock:
            item = items.pop(item_id, None)
        if item is None:
            return error(404, f"item {item_id} not found")
        response = HttpResponse(status=204)
        del response["Content-Type"]  # no body, so no type either
        return response


urlpatterns = [
    path("items", ItemList.as_view()),
    path("items/<int:item_id>", ItemDetail.as_view()),
]


def not_found(request, exception):
    return error(404, "there is nothing at this path")


handler404 = not_found

application = get_wsgi_application()

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
