"""Helpers for the page tests."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

HTMX = {"HX-Request": "true"}


def count_queries(client: Client, url: str) -> int:
    """The number of queries one GET of ``url`` makes (after a first, warming request)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def text(response) -> str:  # noqa: ANN001
    return response.content.decode()
