"""The project's URLs plus the gadget's record page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def gadget_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    return HttpResponse(f"gadget {record_id}")


urlpatterns = [
    path("gadgets/<id:record_id>/", gadget_detail, name="gadget_detail"),
    path("", include("config.urls")),
]
