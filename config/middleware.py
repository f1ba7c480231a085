"""Keep every answer under /api/ in the JSON error envelope, even the ones django-ninja writes
itself (405 Method Not Allowed is plain text there)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from sambandh.core.api import error_payload


class ApiEnvelopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/"):
            allowed = response.get("Allow", "")
            body = error_payload(
                "method_not_allowed",
                _("This path does not accept %(method)s. Allowed: %(allowed)s.")
                % {"method": request.method, "allowed": allowed},
            )
            enveloped = HttpResponse(json.dumps(body), status=405, content_type="application/json")
            enveloped["Allow"] = allowed
            return enveloped
        return response
