"""Django's ceiling: the bare endpoint's read inside Django's request cycle, nothing else. No
middleware, no authentication, no permissions, one URL: the request object, URL resolution, the
connection handling and the response are all that is added to ``bare_app``'s work. No view that
authenticates and applies a policy can beat it; the record read with a field rule in force (which
the read lane leaves to the API) is compared with it as well as with the bare endpoint.

    DATABASE_URL=... granian --interface wsgi bench.ceiling_app:app --workers 2 --port 8103
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from bench.bare_app import COLUMNS, SQL

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def person(request: HttpRequest, person_id: int) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(SQL + "%s", [person_id])
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"error": "not found"}, status=404)
    data = {
        name: (str(value) if name == "updated_at" else value)
        for name, value in zip(COLUMNS, row, strict=True)
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json")


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"status": "ok"}', content_type="application/json")


urlpatterns = [path("people/<int:person_id>", person), path("health", health)]


def _application() -> Any:
    import django
    from django.core.handlers.wsgi import WSGIHandler

    django.setup(set_prefix=False)
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = []
    return WSGIHandler()


app = _application()
