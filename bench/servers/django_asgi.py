"""The Compare page's Django Items API (a WSGI `application`) served under ASGI.

The benchmark copies this file beside the snippet's app.py and runs
`uvicorn django_asgi:application`. Importing the snippet configures Django's
settings (its URLconf is the snippet module itself); Django's own ASGI handler
then serves the same views, the synchronous ones in a thread as Django does.
"""

import app  # noqa: F401  the snippet: settings.configure(...) and its urlpatterns
from django.core.asgi import get_asgi_application

application = get_asgi_application()
