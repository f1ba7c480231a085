from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from sambandh.web import views


def test_health_answers_ok_without_touching_the_database():
    # No django_db mark: pytest-django makes any database access here raise.
    response = views.health(RequestFactory().get("/health"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_refuses_writes():
    assert views.health(RequestFactory().post("/health")).status_code == 405


@pytest.mark.django_db
def test_ready_answers_ok_when_the_database_answers():
    response = views.ready(RequestFactory().get("/ready"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_ready_answers_503_when_the_database_is_down(monkeypatch):
    # Given a database that refuses connections
    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "ensure_connection", refuse)
    # When the readiness probe runs
    response = views.ready(RequestFactory().get("/ready"))
    # Then it reports unavailable, so a load balancer takes the instance out
    assert response.status_code == 503
    assert json.loads(response.content)["status"] == "unavailable"
