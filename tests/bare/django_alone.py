import json

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views import View

ITEMS = [{"id": 1, "name": "<script>alert('Zoë')</script> 東京 😀"}]  # sent back as JSON, exactly


if not settings.configured:
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=[".localhost", "127.0.0.1", "[::1]"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        DATA_UPLOAD_MAX_MEMORY_SIZE=1024,
    )


class ItemList(View):
    def get(self, request):
        return JsonResponse(ITEMS, safe=False)

    def post(self, request):
        return JsonResponse(json.loads(request.body), status=201, safe=False)


class ItemDetail(View):
    def get(self, request, item_id):
        return JsonResponse({"id": item_id})

    def delete(self, request, item_id):
        return HttpResponse(status=204)


urlpatterns = [
    path("items", ItemList.as_view()),
    path("items/<int:item_id>", ItemDetail.as_view()),
]

application = get_wsgi_application()
