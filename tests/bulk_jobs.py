"""What the bulk action tests share: starting a job through the API, reading it, and running
the worker."""

from __future__ import annotations

from typing import Any

from sambandh.bulk.models import BulkJob
from sambandh.cli import main

V1 = "/api/v1"


def run_worker() -> None:
    """`sambandh worker --until-idle`: what is queued runs, then it stops."""
    assert main(["worker", "--until-idle"]) == 0


def start(client: Any, path: str, body: dict[str, Any]) -> int:
    """POST the bulk action; answers the job's id (asserting the 202 and its shape)."""
    resp = client.post(f"{V1}/{path}/bulk", body)
    assert resp.status_code == 202, resp.content
    answer = resp.json()
    assert set(answer) == {"id", "status", "total"}
    assert answer["status"] == "pending"
    return int(answer["id"])


def job(client: Any, job_id: int, **params: Any) -> dict[str, Any]:
    resp = client.get(f"{V1}/jobs/{job_id}", params)
    assert resp.status_code == 200, resp.content
    return resp.json()


def outcomes(client: Any, job_id: int, **params: Any) -> dict[int, tuple[str, str]]:
    """Every outcome of the job (all pages): record id -> (outcome, reason)."""
    found: dict[int, tuple[str, str]] = {}
    cursor = None
    for _page in range(1000):
        body = job(client, job_id, **params, **({"cursor": cursor} if cursor else {}))
        for item in body["outcomes"]["items"]:
            found[item["record_id"]] = (item["outcome"], item["reason"])
        cursor = body["outcomes"]["next"]
        if cursor is None:
            return found
    raise AssertionError("the pages never ended")


def jobs_count() -> int:
    return BulkJob.objects.count()
