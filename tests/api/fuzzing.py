"""Schemathesis over /api/v1/openapi.json with real ids: what the CI test (tests/api/test_fuzz.py)
and the full run (bench/api_fuzz.py) share.

Every operation of the document gets ``examples`` generated requests in each of schemathesis's
modes (positive: what the schema allows; negative: what it forbids), sent with an
administrator's token. Random ids mostly name nothing, and answer 404 before any code worth
testing runs; so path parameters and ``*_id`` body fields are mostly replaced by ids of rows that
exist now (read again for each request, as the run creates and deletes records), and a body's
``version`` often by the record's current one, so updates get past the version check. Creating
operations run first, so that later ones find what they made.

A server error is any answer of status 500 or more; each is kept with the request that caused
it (as a curl command) for the report. Nothing is raised: the caller decides.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

#: Which model a path parameter or a body field names.
ID_MODELS: dict[str, tuple[str, dict[str, Any]]] = {
    "person_id": ("contacts.Person", {}),
    "organization_id": ("contacts.Organization", {}),
    "tag_id": ("contacts.Tag", {}),
    "lead_id": ("sales.Lead", {}),
    "deal_id": ("sales.Deal", {}),
    "pipeline_id": ("sales.Pipeline", {}),
    "stage_id": ("sales.Stage", {}),
    "activity_id": ("activities.Activity", {}),
    "task_id": ("activities.Activity", {"kind": "task"}),
    "user_id": ("accounts.User", {}),
    "owner_id": ("accounts.User", {}),
    "team_id": ("accounts.Team", {}),
    "parent_id": ("accounts.Team", {}),
    "field_id": ("customfields.CustomField", {}),
    "job_id": ("bulk.BulkJob", {}),
    "run_id": ("events.HandlerRun", {}),
    "notification_id": ("notifications.Notification", {}),
    "attachment_id": ("attachments.Attachment", {}),
    "entry_id": ("recyclebin.BinEntry", {}),
    "request_id": ("privacy.DataSubjectRequest", {}),
    "policy_id": ("privacy.RetentionPolicy", {}),
    "event_id": ("core.AuditEvent", {}),
    "share_id": ("accounts.RecordShare", {}),
}
#: ``record_id`` by the path's first segment.
RECORD_MODELS = {
    "people": "contacts.Person",
    "organizations": "contacts.Organization",
    "deals": "sales.Deal",
    "leads": "sales.Lead",
    "activities": "activities.Activity",
}


@dataclass
class ServerError:
    operation: str
    status: int
    request: str
    answer: str


@dataclass
class Report:
    cases: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[ServerError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.cases.values())


def _model_for(name: str, path: str) -> tuple[Any, dict[str, Any]] | None:
    if name == "record_id":
        segment = path.removeprefix("/api/v1/").split("/", 1)[0]
        label = RECORD_MODELS.get(segment)
        return (apps.get_model(label), {}) if label else None
    found = ID_MODELS.get(name)
    return (apps.get_model(found[0]), found[1]) if found else None


def _real_ids(model: Any, filters: dict[str, Any]) -> list[int]:
    manager = getattr(model, "all_objects", model._default_manager)
    return list(manager.filter(**filters).order_by("-pk").values_list("pk", flat=True)[:20])


def _current_version(model: Any, pk: int) -> int | None:
    if not any(f.name == "version" for f in model._meta.get_fields()):
        return None
    return model._default_manager.filter(pk=pk).values_list("version", flat=True).first()


def ground(case: Any, rng: random.Random) -> None:
    """Points ``case`` at rows that exist (most of the time; sometimes it keeps its random
    ids, so that 404 paths are walked too)."""
    path = case.operation.path
    record: tuple[Any, int] | None = None
    for name in list(case.path_parameters or {}):
        target = _model_for(name, path)
        if target is None or rng.random() < 0.1:
            continue
        ids = _real_ids(*target)
        if ids:
            case.path_parameters[name] = rng.choice(ids)
            record = (target[0], case.path_parameters[name])
    body = case.body
    if isinstance(body, dict):
        for name, value in list(body.items()):
            if not isinstance(value, int) or isinstance(value, bool) or rng.random() < 0.3:
                continue
            target = _model_for(name, path) if name != "record_id" else None
            if target is not None:
                ids = _real_ids(*target)
                if ids:
                    body[name] = rng.choice(ids)
        if "version" in body and record is not None and rng.random() < 0.6:
            version = _current_version(*record)
            if version is not None:
                body["version"] = version


def _creating_first(operations: Iterable[Any]) -> list[Any]:
    """Collection POSTs (which create) first, DELETEs last, the rest in the document's order."""

    def rank(op: Any) -> int:
        if op.method.upper() == "POST" and not re.search(r"{\w+}", op.path):
            return 0
        return 2 if op.method.upper() == "DELETE" else 1

    return sorted(operations, key=rank)


def _one_mode(
    operation: Any,
    mode: Any,
    label: str,
    examples: int,
    report: Report,
    rng: random.Random,
    send: Callable[[Any, dict[str, str]], Any],
    headers: dict[str, str],
) -> None:
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def one(case: Any) -> None:
        ground(case, rng)
        response = send(case, headers)
        status = int(response.status_code)
        report.cases[label] = report.cases.get(label, 0) + 1
        report.statuses[status] = report.statuses.get(status, 0) + 1
        if status >= 500:
            report.errors.append(
                ServerError(
                    operation=label,
                    status=status,
                    request=case.as_curl_command(headers=headers)[:2000],
                    answer=str(getattr(response, "text", ""))[:500],
                )
            )

    try:
        one()
    except Exception as exc:  # schemathesis could not generate for this operation
        report.errors.append(
            ServerError(operation=label, status=0, request=repr(exc)[:500], answer="")
        )


def run(
    schema: Any,
    *,
    token: str,
    examples: int,
    call: Callable[[Any, dict[str, str]], Any] | None = None,
    only: Callable[[Any], bool] | None = None,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
    finished: Callable[[str, int, list[ServerError]], None] | None = None,
) -> Report:
    """Sends ``examples`` generated requests per operation and mode; answers the report.
    ``finished`` hears of each operation when it is done: its label, cases and errors."""
    from schemathesis import GenerationMode

    report = Report()
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    send = call or (lambda case, h: case.call(headers=h))
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in _creating_first(operations):
        if only is not None and not only(operation):
            continue
        label = f"{operation.method.upper()} {operation.path}"
        errors_before = len(report.errors)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _one_mode(operation, mode, label, examples, report, rng, send, headers)
        if finished is not None:
            finished(label, report.cases.get(label, 0), report.errors[errors_before:])
        if progress is not None:
            progress(f"{label}: {report.cases.get(label, 0)} cases")
    report.seconds = time.monotonic() - started
    return report


@dataclass
class Answer:
    status_code: int
    text: str


#: Headers the test client sets itself.
_OWN_HEADERS = {"content-type", "content-length", "host", "connection", "accept-encoding"}


def through_client(client: Any) -> Callable[[Any, dict[str, str]], Answer]:
    """Sends a case through a Django test client (the tests' two stacks and read lane, in the
    test's own transaction), the request prepared as ``requests`` would send it."""
    import requests

    def send(case: Any, headers: dict[str, str]) -> Answer:
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        kwargs.pop("cookies", None)
        prepared = requests.Request(**kwargs).prepare()
        path = str(prepared.path_url)
        sent = {k: v for k, v in prepared.headers.items() if k.lower() not in _OWN_HEADERS}
        body = prepared.body or b""
        response = client.generic(
            prepared.method,
            path,
            data=body.encode() if isinstance(body, str) else body,
            content_type=prepared.headers.get("Content-Type", "application/octet-stream"),
            headers=sent,
        )
        content = b"" if response.streaming else response.content
        return Answer(response.status_code, content[:500].decode("utf-8", "replace"))

    return send


def describe(report: Report) -> str:
    server = [e for e in report.errors if e.status >= 500]
    lines = [
        f"{report.total} cases over {len(report.cases)} operations in {report.seconds:.0f} s; "
        f"{len(server)} server errors",
        "statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(report.statuses.items())),
    ]
    for error in report.errors[:50]:
        lines.append(f"- {error.status} {error.operation}\n  {error.request}\n  {error.answer}")
    return "\n".join(lines)
