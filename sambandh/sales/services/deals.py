"""Writes for deals. A deal's every stage change is kept as a row."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.accounts.visibility import visible_q
from sambandh.contacts import services as contacts
from sambandh.contacts.models import Organization, Person
from sambandh.core.audit import audit_record, diff_fields, record_assigned
from sambandh.core.cleaning import (
    clean_amount,
    clean_currency,
    clean_long_text,
    clean_text,
)
from sambandh.core.formats_input import parse_api_amount
from sambandh.core.inputs import NOT_SENT, NotSent, sent_list
from sambandh.core.records import FieldErrors, bump_version, lock_for_update
from sambandh.customfields.selectors import custom_search_fields
from sambandh.customfields.services import custom_values_clean
from sambandh.recyclebin.services import bin_record
from sambandh.sales.models import Deal, Pipeline, Stage, StageChange
from sambandh.sales.schemas import DealFields, DealIn
from sambandh.sales.services.pipelines import pipeline_default
from sambandh.sales.services.reporting import deal_set_reporting
from sambandh.search.services import (
    SearchField,
    search_document_delete,
    search_document_upsert,
)

# --- deals --------------------------------------------------------------------------
#: The fields of DealIn cleaned apart from the scalar ones (and DealPatch's version).
_LINKS = ("pipeline_id", "stage_id", "person_ids", "tags", "owner_id", "version")


def _clean_deal(
    inp: DealFields,
    actor: User,
    errors: FieldErrors,
    instance: Deal | None,
    people: list[Person] | None = None,
) -> dict[str, Any]:
    data = inp.given(exclude=_LINKS)
    out: dict[str, Any] = {}
    if "name" in data or instance is None:
        out["name"] = errors.run(
            clean_text, data.get("name"), field="name", max_length=200, required=True
        )
    for name, max_length in (("source", 100), ("won_reason", 300), ("lost_reason", 300)):
        if name in data:
            out[name] = errors.run(clean_text, data[name], field=name, max_length=max_length)
    if "description" in data:
        out["description"] = errors.run(clean_long_text, data["description"], field="description")
    if "expected_close_date" in data:
        value = data["expected_close_date"]
        if value is not None and not isinstance(value, date):
            errors.add("expected_close_date", _("Enter a date."))
        out["expected_close_date"] = value
    if "probability" in data and data["probability"] is not None:
        p = data["probability"]
        if not isinstance(p, int) or isinstance(p, bool) or not 0 <= p <= 100:
            errors.add("probability", _("Enter a whole number from 0 to 100."))
        out["probability"] = p
    if "custom" in data or instance is None:
        out["custom"] = errors.run(
            custom_values_clean,
            actor=actor,
            record_type="deal",
            value=data.get("custom"),
            current=instance.custom if instance else None,
            creating=instance is None,
        )
    if inp.sent("owner_id"):
        out["owner"] = errors.run(policy.owner_for_input, actor, inp.owner_id)
    if "organization_id" in data:
        org_id = data["organization_id"]
        org = None
        if org_id is not None:
            org = Organization.objects.filter(visible_q(actor, "organization"), pk=org_id).first()
            if org is None:
                errors.add("organization_id", _("No such organization."))
        out["organization"] = org
    currency = instance.currency if instance else None
    if "currency" in data or instance is None:
        currency = data.get("currency") or _default_currency(instance, out, people, actor)
        currency = errors.run(clean_currency, currency)
        out["currency"] = currency
    if ("amount" in data or "currency" in data) and currency:
        amount = data.get("amount", instance.amount if instance else None)
        # A blank amount stays unknown (None), never 0. Otherwise a plain decimal string as
        # always; "12,34,567.89" or "1.234,50" in the writer's format locale; an ambiguous one
        # ("1,234" for a German) refused (core.formats_input).
        blank = amount is None or (isinstance(amount, str) and not amount.strip())
        if not blank:
            amount = errors.run(parse_api_amount, amount, currency=currency)
            blank = amount is None
        out["amount"] = None if blank else errors.run(clean_amount, amount, currency=currency)
    return out


def _default_currency(
    instance: Deal | None, fields: dict[str, Any], people: list[Person] | None, actor: User
) -> str:
    org = fields.get("organization", instance.organization if instance else None)
    if people is None and instance is not None:
        people = list(instance.people.all())
    owner = fields.get("owner") or (instance.owner if instance else None) or actor
    return deal_default_currency(organization=org, people=people or [], owner=owner)[0]


def deal_default_currency(
    *, organization: Organization | None, people: Sequence[Person], owner: Any
) -> tuple[str, str]:
    """A deal's currency when none is given, and where it came from: its organization's, then
    its first person's with one, then its owner's (a German customer's deal is priced in euros,
    not in the rep's rupees), then the company's ("organization", "person", "owner")."""
    if organization is not None and organization.currency:
        return str(organization.currency), "organization"
    for person in people:
        if person.currency:
            return str(person.currency), "person"
    return str(getattr(owner, "currency", "") or settings.DEFAULT_CURRENCY), "owner"


def _clean_people(
    actor: User, person_ids: Sequence[int] | None, errors: FieldErrors
) -> list[Person] | None:
    if person_ids is None:
        return None
    ids = list(dict.fromkeys(person_ids))
    if len(ids) > 100:
        errors.add("person_ids", _("At most 100 people on a deal."))
        return []
    people = list(Person.objects.filter(visible_q(actor, "person"), pk__in=ids))
    if len(people) != len(ids):
        errors.add("person_ids", _("No such person."))
    return people


def _resolve_stage(
    pipeline: Pipeline | None, stage_id: int | None, errors: FieldErrors
) -> tuple[Pipeline | None, Stage | None]:
    if stage_id is not None:
        stage = (
            Stage.objects.select_related("pipeline").filter(pk=stage_id, is_archived=False).first()
        )
        if stage is None:
            errors.add("stage_id", _("No such stage."))
            return pipeline, None
        if pipeline is not None and stage.pipeline_id != pipeline.pk:
            errors.add("stage_id", _("This stage belongs to another pipeline."))
        return stage.pipeline, stage
    if pipeline is None:
        errors.add("pipeline_id", _("There is no pipeline yet. Create one first."))
        return None, None
    stage = pipeline.stages.filter(is_archived=False).order_by("position", "id").first()
    if stage is None:
        errors.add("pipeline_id", _("This pipeline has no stages."))
    return pipeline, stage


def deal_reindex(deal: Deal) -> None:
    org_name = deal.organization.name if deal.organization_id and deal.organization else ""
    search_document_upsert(
        record_type="deal",
        record_id=deal.pk,
        owner_id=deal.owner_id,
        title=deal.name,
        words=[deal.name],
        fields=[
            *deal_search_fields(organization=(deal.organization_id, org_name)),
            *custom_search_fields("deal", deal.custom),
        ],
    )


def deal_search_fields(*, organization: tuple[int | None, str]) -> list[SearchField]:
    """What a deal is found by beyond its name (the demo's bulk loader uses it too)."""
    org_id, org_name = organization
    return [
        SearchField(
            "organization",
            words=[org_name],
            subtitle=org_name,
            link=("organization", org_id) if org_id else None,
        )
    ]


def _sent_id(value: int | None | NotSent) -> int | None:
    """An id field of an input: None when it was not sent or sent as null."""
    return None if value is NOT_SENT else value


def _status_for(stage: Stage) -> str:
    if stage.kind == Stage.Kind.WON:
        return Deal.Status.WON
    if stage.kind == Stage.Kind.LOST:
        return Deal.Status.LOST
    return Deal.Status.OPEN


def _closed_at(day: date | None, now: datetime.datetime) -> datetime.datetime:
    """When a deal created in a won or lost stage closed: noon UTC of ``day`` (that date in
    nearly every time zone; never after now), else now."""
    if day is None:
        return now
    return min(now, datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC))


@transaction.atomic
def deal_create(*, actor: User, data: DealIn) -> Deal:
    """A new deal from ``data`` (the API's body or the form's input): in the stage named by
    ``stage_id``, else the first stage of ``pipeline_id`` (else of the default pipeline); the
    actor owns it unless ``owner_id`` names another user."""
    policy.ensure_can_write(actor)
    errors = FieldErrors()
    people = _clean_people(actor, sent_list(data.person_ids), errors) or []
    fields = _clean_deal(data, actor, errors, None, people)
    pipeline_id, stage_id = _sent_id(data.pipeline_id), _sent_id(data.stage_id)
    pipeline = None
    if pipeline_id is not None:
        pipeline = Pipeline.objects.filter(pk=pipeline_id, is_archived=False).first()
        if pipeline is None:
            errors.add("pipeline_id", _("No such pipeline."))
    elif stage_id is None:
        pipeline = pipeline_default()
    pipeline, stage = _resolve_stage(pipeline, stage_id, errors)
    closed_on = data.closed_on if isinstance(data.closed_on, date) else None
    if closed_on is not None and closed_on > timezone.now().date():
        errors.add("closed_on", _("A deal cannot have closed in the future."))
    tag_objs = errors.run(contacts.tags_resolve, sent_list(data.tags) or []) or []
    errors.raise_if_any()
    policy.guard_write(
        actor, "deal", fields=fields, lists={"people": bool(people), "tags": bool(tag_objs)}
    )
    assert pipeline is not None and stage is not None
    now = timezone.now()
    fields.setdefault("owner", actor)
    fields.setdefault("probability", stage.probability)
    deal = Deal(
        pipeline=pipeline,
        stage=stage,
        status=_status_for(stage),
        stage_entered_at=now,
        closed_at=_closed_at(closed_on, now) if stage.kind != Stage.Kind.OPEN else None,
        position=now.timestamp(),
        **fields,
    )
    deal_set_reporting(deal)
    deal.save(force_insert=True)
    deal.people.set(people)
    deal.tags.set(tag_objs)
    StageChange.objects.create(
        deal=deal,
        from_stage=None,
        to_stage=stage,
        changed_by=actor,
        changed_at=now,
        amount=deal.amount,
        currency=deal.currency,
        probability=deal.probability,
    )
    audit_record(
        actor=actor,
        action="create",
        record_type="deal",
        record_id=deal.pk,
        changes={**{k: v for k, v in fields.items() if v}, "stage": stage.pk},
        summary=deal.name,
    )
    record_assigned(actor=actor, record_type="deal", record_id=deal.pk, user_id=deal.owner_id)
    deal_reindex(deal)
    return deal


@transaction.atomic
def deal_update(*, actor: User, deal: Deal, data: DealFields, version: int | None) -> Deal:
    """Change the fields ``data`` sent (a list sent replaces the whole list; ``None`` empties
    it; a ``stage_id`` of None leaves the stage); ``version`` is the one the writer read (None:
    no check)."""
    policy.ensure_can_write(actor)
    deal = lock_for_update(deal, version)
    errors = FieldErrors()
    people = _clean_people(actor, sent_list(data.person_ids), errors)
    fields = _clean_deal(data, actor, errors, deal, people)
    tags = sent_list(data.tags)
    tag_objs = None if tags is None else errors.run(contacts.tags_resolve, tags)
    stage_id = _sent_id(data.stage_id)
    stage = None
    if stage_id is not None and stage_id != deal.stage_id:
        _pipeline, stage = _resolve_stage(None, stage_id, errors)
    errors.raise_if_any()
    policy.guard_write(
        actor,
        "deal",
        fields=fields,
        instance=deal,
        lists={
            "stage": stage is not None,
            "people": (
                lambda: (
                    {p.pk for p in people or []}
                    != set(
                        deal.people.filter(visible_q(actor, "person")).values_list("pk", flat=True)
                    )
                )
            )
            if people is not None
            else False,
            "tags": (
                lambda: (
                    sorted(t.name for t in tag_objs or [])
                    != sorted(deal.tags.values_list("name", flat=True))
                )
            )
            if tag_objs is not None
            else False,
        },
    )
    changes = diff_fields(deal, fields)
    if people is not None:
        # Links to people the actor cannot see stay: they were not in the actor's list to keep.
        hidden = deal.people.exclude(visible_q(actor, "person"))
        # Before and after, as the actor sees them (a hidden link is neither shown nor changed).
        people_before = sorted(
            deal.people.filter(visible_q(actor, "person")).values_list("pk", flat=True)
        )
        deal.people.set([*people, *hidden])
        changes["people"] = [people_before, [p.pk for p in people]]
    if tag_objs is not None:
        tags_before = sorted(deal.tags.values_list("name", flat=True))
        deal.tags.set(tag_objs)
        changes["tags"] = [tags_before, [t.name for t in tag_objs]]
    if stage is not None:
        changes["stage"] = [deal.stage_id, stage.pk]
        _enter_stage(deal, stage, actor, keep_probability="probability" in fields)
    if {"amount", "currency", "expected_close_date", "stage"} & set(changes):
        deal_set_reporting(deal)
    bump_version(deal)
    deal.save()
    audit_record(
        actor=actor,
        action="update",
        record_type="deal",
        record_id=deal.pk,
        changes=changes,
        summary=deal.name,
    )
    if "owner" in changes:
        record_assigned(actor=actor, record_type="deal", record_id=deal.pk, user_id=deal.owner_id)
    deal_reindex(deal)
    return deal


def _enter_stage(deal: Deal, stage: Stage, actor: User, *, keep_probability: bool = False) -> None:
    now = timezone.now()
    previous = deal.stage
    if not keep_probability:
        deal.probability = stage.probability
    StageChange.objects.create(
        deal=deal,
        from_stage=previous,
        to_stage=stage,
        changed_by=actor,
        changed_at=now,
        amount=deal.amount,
        currency=deal.currency,
        probability=deal.probability,
        seconds_in_previous=int((now - deal.stage_entered_at).total_seconds()),
    )
    deal.pipeline_id = stage.pipeline_id
    deal.stage = stage
    deal.stage_entered_at = now
    deal.status = _status_for(stage)
    deal.closed_at = now if stage.kind != Stage.Kind.OPEN else None


@transaction.atomic
def deal_move_stage(
    *,
    actor: User,
    deal: Deal,
    stage_id: int,
    version: int | None,
    reason: str = "",
) -> Deal:
    """Move a deal to another stage (the kanban drag); records the change as a row."""
    policy.ensure_can_write(actor)
    deal = lock_for_update(deal, version)
    errors = FieldErrors()
    _pipeline, stage = _resolve_stage(None, stage_id, errors)
    reason = errors.run(clean_text, reason, field="reason", max_length=300) or ""
    errors.raise_if_any()
    assert stage is not None
    if stage.pk == deal.stage_id:
        return deal
    policy.guard_changes(actor, "deal", ["stage"])
    changes: dict[str, Any] = {"stage": [deal.stage_id, stage.pk]}
    _enter_stage(deal, stage, actor)
    if reason and stage.kind == Stage.Kind.WON:
        deal.won_reason = reason
    elif reason and stage.kind == Stage.Kind.LOST:
        deal.lost_reason = reason
    deal.position = timezone.now().timestamp()
    deal_set_reporting(deal)  # a won or lost deal converts at its close date
    bump_version(deal)
    deal.save()
    audit_record(
        actor=actor,
        action="update",
        record_type="deal",
        record_id=deal.pk,
        changes=changes,
        summary=deal.name,
        event="deal.stage_changed",
    )
    return deal


@transaction.atomic
def deal_delete(*, actor: User, deal: Deal, version: int | None = None) -> None:
    policy.ensure_can_write(actor)
    deal = lock_for_update(deal, version)
    pk, name = deal.pk, deal.name
    bin_record(actor=actor, record_type="deal", record=deal, summary=name)
    deal.delete()
    audit_record(actor=actor, action="delete", record_type="deal", record_id=pk, summary=name)
    search_document_delete(record_type="deal", record_id=pk)
