"""Asking for a bulk action, and for its undo: check everything the request says, resolve the
selection at once, and store the job with one row per record, in one transaction with the task
that will run it. Nothing is changed here: the worker does that (runner.py).

Bad input is refused before any job exists (422 naming the field: ``ids.3``, ``filter.tag``,
``values.country``, ``owner_id``, ``tags``, ``user_id``, ``action``); ids that do not exist or
that the actor may not see are not an error, but outcomes ("skipped: not found") of the job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticError

from sambandh.accounts import policy
from sambandh.bulk.models import BulkItem, BulkJob
from sambandh.core import registry
from sambandh.core.cleaning import clean_text
from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.core.inputs import error_fields
from sambandh.core.listing import ListQuery

#: The most ids one request may name; a larger selection is made by filter.
MAX_IDS = 10_000
MAX_TAGS = 50
#: The query parameters of a list that are not filters.
NOT_FILTERS = frozenset({"limit", "cursor", "sort"})
Action = BulkJob.Action


def supports_bulk(rt: registry.RecordType) -> bool:
    """Whether the record type declares what bulk actions need (core/registry.py)."""
    return rt.list_matching is not None and rt.update is not None


def not_found_reason() -> str:
    return _("Not found: it does not exist, or you cannot see it.")


# --- the request ------------------------------------------------------------------------------
def _prefixed(prefix: str, fields: Mapping[str, str]) -> dict[str, str]:
    return {f"{prefix}.{k}" if k != "__all__" else prefix: v for k, v in fields.items()}


def clean_filter(rt: registry.RecordType, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A selection's filter, as the list endpoint takes its query (the same names and checks,
    ``custom.*`` too): the filters the list selector gets. 422 naming ``filter.<name>``."""
    from sambandh.customfields.selectors import filter_known

    schema = rt.list_filters() if rt.list_filters is not None else None
    # A filter is named as the query names it: by its alias where it has one ("import").
    names = {f.alias or name: name for name, f in schema.model_fields.items()} if schema else {}
    known = set(names) - NOT_FILTERS
    errors: dict[str, str] = {}
    plain: dict[str, Any] = {}
    custom: dict[str, str] = {}
    for name, value in raw.items():
        key = f"filter.{str(name)[:100]}"
        if isinstance(value, dict | list):
            errors[key] = _("Enter a single value.")
        elif name.startswith("custom."):
            if not filter_known(rt.key, name):
                errors[key] = _("Unknown custom field.")
            elif value not in (None, ""):
                custom[name] = str(value).lower() if isinstance(value, bool) else str(value)
        elif name not in known:
            errors[key] = _("Unknown filter.")
        elif value not in (None, ""):
            plain[name] = value
    if plain and schema is not None:
        try:
            checked = schema.model_validate(plain)
        except PydanticError as exc:
            errors.update(_prefixed("filter", error_fields(exc.errors())))
        else:
            plain = checked.model_dump(
                include={names[n] for n in plain}, exclude_none=True, by_alias=True
            )
    if errors:
        raise ValidationFailed(_("The filter is not valid."), fields=errors)
    return {**plain, **custom}


def matching(actor: Any, rt: registry.RecordType, filters: dict[str, Any]) -> QuerySet[Any]:
    """Every record the type's list shows the actor for ``filters`` (all pages)."""
    assert rt.list_matching is not None
    try:
        return rt.list_matching(viewer=actor, query=ListQuery(filters=dict(filters)))
    except ValidationFailed as exc:
        fields = {k: v for k, v in exc.fields.items() if k != "sort"}
        raise ValidationFailed(exc.message, fields=_prefixed("filter", fields)) from None


def _bulk_editable(rt: registry.RecordType, key: str, value: Any) -> bool:
    """Whether a bulk edit can set ``key`` and put it back on undo: a column of the record, its
    custom fields, or its tags (lists of contact points and links are edited one by one)."""
    if key == "tags":
        return rt.tag_names is not None
    if key == "custom":
        return isinstance(value, dict)
    if any(f.name == key and not f.bulk for f in rt.fields):
        return False  # one record's own value (a date of birth)
    fields = {f.attname for f in rt.model._meta.concrete_fields if not f.primary_key}
    return key in fields - {"version", "created_at", "updated_at"}


def _check_values(rt: registry.RecordType, values: Any) -> dict[str, Any]:
    if not isinstance(values, dict) or not values:
        raise ValidationFailed(fields={"values": _("Send at least one field to change.")})
    if rt.check_values is not None:
        try:
            rt.check_values(values)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, fields=_prefixed("values", exc.fields)) from None
    refused = {
        f"values.{k}": _("This field cannot be changed in bulk.")
        for k, v in values.items()
        if not _bulk_editable(rt, k, v)
    }
    if refused:
        raise ValidationFailed(fields=refused)
    return values


def _check_tags(tags: Any) -> list[str]:
    if not tags:
        raise ValidationFailed(fields={"tags": _("Name at least one tag.")})
    names: dict[str, str] = {}
    for i, raw in enumerate(tags):
        name = clean_text(raw, field=f"tags.{i}", max_length=60)
        if name:
            names.setdefault(name.casefold(), name)
    if not names:
        raise ValidationFailed(fields={"tags": _("Name at least one tag.")})
    if len(names) > MAX_TAGS:
        raise ValidationFailed(fields={"tags": _("At most %(n)s tags.") % {"n": MAX_TAGS}})
    return list(names.values())


def _check_share(
    actor: Any, rt: registry.RecordType, user_id: int | None, team_id: int | None, access: Any
) -> dict[str, Any]:
    """Who a bulk share shares with (one user the actor may pick, or one team), and how."""
    from sambandh.accounts.models import Team
    from sambandh.accounts.selectors import user_get

    if not rt.shareable:
        message = _("%(types)s cannot be shared.") % {"types": rt.label_plural}
        raise ValidationFailed(message, fields={"action": message})
    if user_id is None and team_id is None:
        raise ValidationFailed(fields={"user_id": _("Choose a user or a team to share with.")})
    if user_id is not None and team_id is not None:
        raise ValidationFailed(fields={"team_id": _("Share with a user or a team, not both.")})
    if access not in (None, "read", "edit"):
        raise ValidationFailed(fields={"access": _("Choose read or edit.")})
    parameters: dict[str, Any] = {"access": access or "read"}
    if user_id is not None:
        user = user_get(viewer=actor, user_id=user_id)
        if user is None:
            raise ValidationFailed(fields={"user_id": _("No such user.")})
        if not user.is_active:
            raise ValidationFailed(fields={"user_id": _("This user is deactivated.")})
        parameters["user_id"] = user.pk
    elif team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise ValidationFailed(fields={"team_id": _("No such team.")})
        parameters["team_id"] = team.pk
    return parameters


#: What each action takes besides the selection (any other is "not used by this action").
USES: dict[str, tuple[str, ...]] = {
    Action.ASSIGN: ("owner_id",),
    Action.UPDATE: ("values",),
    Action.TAG: ("tags",),
    Action.UNTAG: ("tags",),
    Action.DELETE: (),
    Action.SHARE: ("user_id", "team_id", "access"),
}


def check_parameters(
    actor: Any,
    rt: registry.RecordType,
    action: str,
    *,
    owner_id: int | None = None,
    values: Any = None,
    tags: Any = None,
    user_id: int | None = None,
    team_id: int | None = None,
    access: Any = None,
) -> dict[str, Any]:
    """What the action needs, checked (422 naming the field); the job's parameters."""
    if action not in USES:
        raise ValidationFailed(
            fields={"action": _("Choose update, assign, tag, untag, share or delete.")}
        )
    sent = {
        "owner_id": owner_id,
        "values": values,
        "tags": tags,
        "user_id": user_id,
        "team_id": team_id,
        "access": access,
    }
    unused = {
        k: _("Not used by this action.")
        for k, v in sent.items()
        if v is not None and k not in USES[action]
    }
    if action == Action.DELETE and rt.delete is None:
        message = _("%(types)s cannot be deleted in bulk.") % {"types": rt.label_plural}
        raise ValidationFailed(message, fields={"action": message})
    if unused:
        raise ValidationFailed(fields=unused)
    if action == Action.DELETE:
        return {}
    if action == Action.SHARE:
        return _check_share(actor, rt, user_id, team_id, access)
    if action == Action.ASSIGN:
        if owner_id is None:
            raise ValidationFailed(fields={"owner_id": _("Choose who to assign them to.")})
        try:
            owner = policy.owner_for_input(actor, owner_id)
        except ValidationFailed as exc:
            message = next(iter(exc.fields.values()), exc.message)
            raise ValidationFailed(fields={"owner_id": message}) from None
        return {"owner_id": owner.pk}
    if action == Action.UPDATE:
        return {"values": _check_values(rt, values)}
    if rt.tag_names is None:
        raise ValidationFailed(
            _("%(types)s have no tags.") % {"types": rt.label_plural},
            fields={"action": _("%(types)s have no tags.") % {"types": rt.label_plural}},
        )
    return {"tags": _check_tags(tags)}


def _editable_ids(actor: Any, rt: registry.RecordType, records: list[Any]) -> set[int]:
    if rt.editable_among is not None:
        return rt.editable_among(actor, records)
    return policy.editable_among(actor, rt.key, records)


def _rehearse(actor: Any, rt: registry.RecordType, values: dict[str, Any], sample: Any) -> None:
    """Make the edit on one record the actor may change, and roll it back: the service's own
    checks of meaning (a country code, an email, a custom field's type, a visible organization)
    refuse a value once, for the whole request, instead of once per record."""
    assert rt.update is not None
    try:
        with transaction.atomic():
            try:
                rt.update(actor=actor, record=sample, values=values, version=None)
            finally:
                transaction.set_rollback(True)
    except ValidationFailed as exc:
        bad = {k: v for k, v in exc.fields.items() if k.split(".")[0] in values}
        if bad:
            raise ValidationFailed(exc.message, fields=_prefixed("values", bad)) from None
    except ServiceError:
        pass  # this record's own refusal (a field read-only for the role...): its outcome


def _first_editable(actor: Any, rt: registry.RecordType, records: QuerySet[Any]) -> Any:
    candidates = list(records.order_by("pk")[:50])
    editable = _editable_ids(actor, rt, candidates)
    return next((r for r in candidates if r.pk in editable), None)


# --- storing the job --------------------------------------------------------------------------
def _enqueue(job: BulkJob) -> None:
    """Put the job's task on the queue, in the job's transaction: the task exists exactly when
    the job does (django_tasks_db writes it as a row)."""
    from sambandh.bulk.tasks import run_bulk_job

    run_bulk_job.enqueue(job.pk)
    BulkJob.objects.filter(pk=job.pk).update(nudged_at=timezone.now())


def _insert_items(job: BulkJob, select: QuerySet[Any]) -> int:
    """One item per row of ``select`` (the records' ids, as ``record_id``), with one INSERT
    ... SELECT: a selection of 100,000 records never travels through Python."""
    sql, params = select.query.sql_with_params()
    table = connection.ops.quote_name(BulkItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (job_id, record_id, outcome, reason) "  # noqa: S608 - names are ours
            f"SELECT %s, chosen.record_id, %s, %s FROM ({sql}) chosen",
            [job.pk, BulkItem.Outcome.PENDING, "", *params],
        )
        return max(cursor.rowcount, 0)


@transaction.atomic
def bulk_job_start(
    *,
    actor: Any,
    record_type: str,
    action: str,
    ids: list[int] | None = None,
    filters: Mapping[str, Any] | None = None,
    owner_id: int | None = None,
    values: Any = None,
    tags: Any = None,
    user_id: int | None = None,
    team_id: int | None = None,
    access: Any = None,
) -> BulkJob:
    """Ask for a bulk action on the records ``ids`` names, or on every record the type's list
    shows the actor for ``filters``; answers the stored job, which the worker runs."""
    policy.ensure_can_write(actor)
    rt = registry.get(record_type)
    if not supports_bulk(rt):
        raise ValidationFailed(fields={"record_type": _("No bulk actions on this record type.")})
    parameters = check_parameters(
        actor,
        rt,
        action,
        owner_id=owner_id,
        values=values,
        tags=tags,
        user_id=user_id,
        team_id=team_id,
        access=access,
    )
    if ids is not None and filters is not None:
        raise ValidationFailed(fields={"filter": _("Send ids or a filter, not both.")})
    if ids is None and filters is None:
        raise ValidationFailed(fields={"ids": _("Send the ids of the records, or a filter.")})
    if ids is not None:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            raise ValidationFailed(fields={"ids": _("Select at least one record.")})
        if len(wanted) > MAX_IDS:
            raise ValidationFailed(fields={"ids": _("At most %(n)s ids.") % {"n": MAX_IDS}})
        selected = matching(actor, rt, {}).filter(pk__in=wanted)
        parameters["ids"] = len(wanted)
    else:
        clean = clean_filter(rt, filters or {})
        selected = matching(actor, rt, clean)
        parameters["filter"] = clean
    if action == Action.UPDATE:
        sample = _first_editable(actor, rt, selected)
        if sample is not None:
            _rehearse(actor, rt, parameters["values"], sample)
    job = BulkJob.objects.create(
        actor=actor, record_type=rt.key, action=action, parameters=parameters
    )
    if ids is not None:
        found = set(selected.values_list("pk", flat=True))
        missing = [pk for pk in wanted if pk not in found]
        BulkItem.objects.bulk_create(
            [
                BulkItem(job=job, record_id=pk)
                if pk in found
                else BulkItem(
                    job=job,
                    record_id=pk,
                    outcome=BulkItem.Outcome.SKIPPED,
                    reason=not_found_reason(),
                )
                for pk in wanted
            ],
            batch_size=1000,
        )
        job.total, job.skipped = len(wanted), len(missing)
    else:
        chosen = selected.order_by("pk").values(record_id=F("pk")).distinct()
        job.total = _insert_items(job, chosen)
    job.processed = job.skipped
    job.save(update_fields=["total", "skipped", "processed"])
    _enqueue(job)
    return job


@transaction.atomic
def bulk_job_undo(*, actor: Any, job: BulkJob) -> BulkJob:
    """Ask for ``job`` to be undone, as a new job: each record it changed gets back what it
    held before, through the same services, unless someone changed it since. A job is undone
    once."""
    policy.ensure_can_write(actor)
    if job.action == Action.UNDO:
        raise ValidationFailed(_("An undo cannot itself be undone."))
    if job.status == BulkJob.Status.UNDONE:
        raise ValidationFailed(_("This bulk action was already undone."))
    if not job.finished:
        raise ValidationFailed(_("This bulk action has not finished yet: undo it once it has."))
    if not job.items.filter(outcome=BulkItem.Outcome.CHANGED).exists():
        raise ValidationFailed(_("Nothing to undo: this bulk action changed no record."))
    claimed = BulkJob.objects.filter(
        pk=job.pk, status__in=[BulkJob.Status.DONE, BulkJob.Status.FAILED]
    ).update(status=BulkJob.Status.UNDONE)
    if not claimed:
        raise ValidationFailed(_("This bulk action was already undone."))
    undo = BulkJob.objects.create(
        actor=actor,
        record_type=job.record_type,
        action=Action.UNDO,
        parameters={"action": job.action},
        undo_of=job,
    )
    table = connection.ops.quote_name(BulkItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (job_id, record_id, outcome, reason, restore, expected_version) "  # noqa: S608
            f"SELECT %s, record_id, %s, %s, before, version FROM {table} "
            "WHERE job_id = %s AND outcome = %s ORDER BY id",
            [undo.pk, BulkItem.Outcome.PENDING, "", job.pk, BulkItem.Outcome.CHANGED],
        )
        undo.total = max(cursor.rowcount, 0)
    undo.save(update_fields=["total"])
    _enqueue(undo)
    return undo
