"""Assertions shared by the API tests: the error envelope, list walking, and "nothing changed"."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from sambandh.core.models import AuditEvent

MISSING_ID = 987_654_321


def etag(version: int) -> str:
    return f'W/"{version}"'


def assert_error(resp: Any, status: int, code: str, fields: dict[str, str] | None = None) -> None:
    """``resp`` is the error envelope with this status and code (and exactly these fields)."""
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    if fields is not None:
        assert body["error"]["fields"] == fields


def snapshot(obj: Model) -> dict[str, Any]:
    """Everything a write could touch: the stored row, its tag and people links, and the number
    of audit rows (every service write adds one)."""
    model = type(obj)
    state: dict[str, Any] = {"row": model._default_manager.filter(pk=obj.pk).values().first()}
    fresh = model._default_manager.filter(pk=obj.pk).first()
    for name in ("tags", "people"):
        if fresh is not None and hasattr(fresh, name):
            state[name] = sorted(getattr(fresh, name).values_list("pk", flat=True))
    state["audit"] = AuditEvent.objects.count()
    return state


def walk(client: Any, path: str, params: dict[str, Any] | None = None) -> list[int]:
    """Follow ``next`` from the first page to the last; every page must be exactly
    {"items", "next"}. Answers the ids in the order seen."""
    params = dict(params or {})
    ids: list[int] = []
    for _page in range(1000):
        resp = client.get(path, params)
        assert resp.status_code == 200, resp.content
        body = resp.json()
        assert set(body) == {"items", "next"}
        ids += [item["id"] for item in body["items"]]
        if body["next"] is None:
            return ids
        params["cursor"] = body["next"]
    raise AssertionError("the pages never ended")


def ids_of(resp: Any) -> list[int]:
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert set(body) == {"items", "next"}
    return [item["id"] for item in body["items"]]


def call(client: Any, method: str, path: str, body: Any = None) -> Any:
    if method == "get":
        return client.get(path)
    if method == "delete":
        return client.delete(path)
    return getattr(client, method)(path, body)


def warm(client: Any, path: str) -> None:
    """One request first, so the token's last-used stamp (written at most once a minute) is not
    counted among a measured request's queries."""
    assert client.get(path).status_code == 200
