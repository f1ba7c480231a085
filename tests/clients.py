"""The test client, dispatching as production does (config/handlers.py): record reads through
the read lane, the rest of /api/ through the API's lean stack, everything else through the
web's."""

from __future__ import annotations

from typing import Any

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler

from config.handlers import ApiStackMixin, is_api_path
from config.read_lane import ReadLane


class ApiClientHandler(ApiStackMixin, ClientHandler):
    """Django's test handler, built from ``settings.API_MIDDLEWARE``."""


class DispatchingClientHandler(ClientHandler):
    def __init__(
        self, enforce_csrf_checks: bool = True, *args: Any, lane: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(enforce_csrf_checks, *args, **kwargs)
        self.api = ApiClientHandler(enforce_csrf_checks, *args, **kwargs)
        self.lane = ReadLane() if lane else None
        #: Whether the read lane answered the last request (tests of the lane check it).
        self.lane_answered = False

    def __call__(self, environ: dict[str, Any]) -> Any:
        self.lane_answered = False
        if not is_api_path(environ.get("PATH_INFO", "")):
            return super().__call__(environ)
        answer = self.lane.serve(environ) if self.lane is not None else None
        if answer is None:
            return self.api(environ)
        self.lane_answered = True
        response = HttpResponse(answer.body, status=int(answer.status.split()[0]))
        for name, value in answer.headers:
            response[name] = value
        response.wsgi_request = WSGIRequest(environ)
        return response


class SambandhClient(Client):
    """``lane=False``: without the read lane, every API request through Django and the API (to
    compare the lane's answers with the API's)."""

    def __init__(self, enforce_csrf_checks: bool = False, *, lane: bool = True, **defaults: Any):
        super().__init__(enforce_csrf_checks, **defaults)
        self.handler = DispatchingClientHandler(enforce_csrf_checks, lane=lane)

    @property
    def lane_answered(self) -> bool:
        return self.handler.lane_answered
