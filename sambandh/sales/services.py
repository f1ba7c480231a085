"""Writes for pipelines, leads and deals. A deal's every stage change is kept as a row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import Role, User
from sambandh.accounts.visibility import visible_q
from sambandh.activities.services import activities_move
from sambandh.contacts import services as contacts
from sambandh.contacts.models import Organization, Person
from sambandh.core.audit import audit_record, diff_fields
from sambandh.core.cleaning import (
    clean_amount,
    clean_country,
    clean_currency,
    clean_email,
    clean_language,
    clean_long_text,
    clean_phone,
    clean_text,
    phone_digit_forms,
)
from sambandh.core.errors import Forbidden, ValidationFailed
from sambandh.core.records import FieldErrors, bump_version, clean_custom, lock_for_update
from sambandh.sales.models import Deal, Lead, Pipeline, Stage, StageChange
from sambandh.search.services import (
    SearchField,
    email_words,
    search_document_delete,
    search_document_upsert,
)

MAX_STAGES = 30


def _ensure_pipeline_admin(actor: User) -> None:
    if actor.role not in (Role.ADMIN, Role.MANAGER):
        raise Forbidden(_("Only administrators and managers can change pipelines."))


# --- pipelines -------------------------------------------------------------------
@dataclass
class StageIn:
    name: str
    probability: int = 0
    kind: str = Stage.Kind.OPEN
    id: int | None = None


def _clean_stages(stages: Sequence[StageIn], errors: FieldErrors) -> list[StageIn]:
    if not stages:
        errors.add("stages", _("A pipeline needs at least one stage."))
    if len(stages) > MAX_STAGES:
        errors.add("stages", _("At most %(n)s stages.") % {"n": MAX_STAGES})
    result = []
    names: set[str] = set()
    for i, stage in enumerate(stages):
        name = errors.run(
            clean_text, stage.name, field=f"stages.{i}.name", max_length=100, required=True
        )
        if name and name.casefold() in names:
            errors.add(f"stages.{i}.name", _("Stage names must be different."))
        names.add((name or "").casefold())
        if not isinstance(stage.probability, int) or not 0 <= stage.probability <= 100:
            errors.add(f"stages.{i}.probability", _("Enter a whole number from 0 to 100."))
        if stage.kind not in Stage.Kind.values:
            errors.add(f"stages.{i}.kind", _("Choose open, won or lost."))
        result.append(
            StageIn(name=name or "", probability=stage.probability, kind=stage.kind, id=stage.id)
        )
    if result and not any(s.kind == Stage.Kind.OPEN for s in result):
        errors.add("stages", _("A pipeline needs at least one open stage."))
    return result


@transaction.atomic
def pipeline_create(
    *, actor: User, name: str, stages: Sequence[StageIn], is_default: bool = False
) -> Pipeline:
    _ensure_pipeline_admin(actor)
    errors = FieldErrors()
    clean_name = errors.run(clean_text, name, field="name", max_length=100, required=True)
    clean_stages = _clean_stages(stages, errors)
    errors.raise_if_any()
    is_default = is_default or not Pipeline.objects.filter(is_default=True).exists()
    if is_default:
        Pipeline.objects.filter(is_default=True).update(is_default=False)
    position = (Pipeline.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    pipeline = Pipeline.objects.create(name=clean_name, is_default=is_default, position=position)
    Stage.objects.bulk_create(
        Stage(pipeline=pipeline, name=s.name, probability=s.probability, kind=s.kind, position=i)
        for i, s in enumerate(clean_stages)
    )
    audit_record(
        actor=actor,
        action="create",
        record_type="pipeline",
        record_id=pipeline.pk,
        changes={"name": clean_name, "stages": [s.name for s in clean_stages]},
    )
    return pipeline


@transaction.atomic
def pipeline_update(
    *,
    actor: User,
    pipeline: Pipeline,
    version: int | None,
    name: str | None = None,
    stages: Sequence[StageIn] | None = None,
    is_default: bool | None = None,
) -> Pipeline:
    """Rename, reorder, add and archive stages. A stage that still holds deals is archived, not
    deleted, so stage history keeps pointing at it."""
    _ensure_pipeline_admin(actor)
    pipeline = lock_for_update(pipeline, version)
    errors = FieldErrors()
    changes: dict[str, Any] = {}
    if name is not None:
        clean_name = errors.run(clean_text, name, field="name", max_length=100, required=True)
        if clean_name:
            changes.update(diff_fields(pipeline, {"name": clean_name}))
    clean_stages = None if stages is None else _clean_stages(stages, errors)
    existing = {s.pk: s for s in pipeline.stages.all()}
    if clean_stages is not None:
        for i, s in enumerate(clean_stages):
            if s.id is not None and s.id not in existing:
                errors.add(f"stages.{i}.id", _("This stage belongs to another pipeline."))
    errors.raise_if_any()
    if clean_stages is not None:
        kept = set()
        for i, s in enumerate(clean_stages):
            if s.id is not None:
                stage = existing[s.id]
                stage.name, stage.probability, stage.kind, stage.position = (
                    s.name,
                    s.probability,
                    s.kind,
                    i,
                )
                stage.is_archived = False
                stage.save()
                kept.add(s.id)
            else:
                Stage.objects.create(
                    pipeline=pipeline,
                    name=s.name,
                    probability=s.probability,
                    kind=s.kind,
                    position=i,
                )
        for stage_id, stage in existing.items():
            if stage_id in kept:
                continue
            if (
                Deal.objects.filter(stage=stage).exists()
                or StageChange.objects.filter(to_stage=stage).exists()
            ):
                if Deal.objects.filter(stage=stage).exists():
                    raise ValidationFailed(
                        _("Stage “%(name)s” still has deals. Move them before removing it.")
                        % {"name": stage.name},
                        fields={"stages": _("A removed stage still has deals.")},
                    )
                stage.is_archived = True
                stage.position = 1000 + stage.position
                stage.save()
            else:
                stage.delete()
        changes["stages"] = [None, [s.name for s in clean_stages]]
    if is_default:
        Pipeline.objects.exclude(pk=pipeline.pk).filter(is_default=True).update(is_default=False)
        pipeline.is_default = True
    pipeline.version += 1
    pipeline.updated_at = timezone.now()
    pipeline.save()
    audit_record(
        actor=actor, action="update", record_type="pipeline", record_id=pipeline.pk, changes=changes
    )
    return pipeline


@transaction.atomic
def pipeline_delete(*, actor: User, pipeline: Pipeline, version: int | None = None) -> None:
    _ensure_pipeline_admin(actor)
    pipeline = lock_for_update(pipeline, version)
    if pipeline.deals.exists():
        raise ValidationFailed(_("This pipeline still has deals. Move or delete them first."))
    pk, name = pipeline.pk, pipeline.name
    StageChange.objects.filter(to_stage__pipeline=pipeline).delete()
    pipeline.delete()
    audit_record(actor=actor, action="delete", record_type="pipeline", record_id=pk, summary=name)


def pipeline_default() -> Pipeline | None:
    return (
        Pipeline.objects.filter(is_archived=False).order_by("-is_default", "position", "id").first()
    )


# --- deals --------------------------------------------------------------------------
def _clean_deal(
    data: dict[str, Any], actor: User, errors: FieldErrors, instance: Deal | None
) -> dict[str, Any]:
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
    currency = instance.currency if instance else None
    if "currency" in data or instance is None:
        currency = errors.run(
            clean_currency, data.get("currency") or actor.currency or settings.DEFAULT_CURRENCY
        )
        out["currency"] = currency
    if ("amount" in data or "currency" in data) and currency:
        amount = data.get("amount", instance.amount if instance else 0)
        out["amount"] = errors.run(
            clean_amount, amount if amount is not None else 0, currency=currency
        )
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
    if "custom" in data:
        out["custom"] = errors.run(clean_custom, data["custom"])
    if "owner" in data:
        out["owner"] = errors.run(policy.owner_for_write, actor, data["owner"])
    if "organization_id" in data:
        org_id = data["organization_id"]
        org = None
        if org_id is not None:
            org = Organization.objects.filter(visible_q(actor, "organization"), pk=org_id).first()
            if org is None:
                errors.add("organization_id", _("No such organization."))
        out["organization"] = org
    return out


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
        fields=deal_search_fields(organization=(deal.organization_id, org_name)),
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


def _status_for(stage: Stage) -> str:
    if stage.kind == Stage.Kind.WON:
        return Deal.Status.WON
    if stage.kind == Stage.Kind.LOST:
        return Deal.Status.LOST
    return Deal.Status.OPEN


@transaction.atomic
def deal_create(
    *,
    actor: User,
    data: dict[str, Any],
    pipeline_id: int | None = None,
    stage_id: int | None = None,
    person_ids: Sequence[int] | None = None,
    tags: Sequence[str] = (),
) -> Deal:
    policy.ensure_can_write(actor)
    errors = FieldErrors()
    fields = _clean_deal(data, actor, errors, None)
    pipeline = None
    if pipeline_id is not None:
        pipeline = Pipeline.objects.filter(pk=pipeline_id, is_archived=False).first()
        if pipeline is None:
            errors.add("pipeline_id", _("No such pipeline."))
    elif stage_id is None:
        pipeline = pipeline_default()
    pipeline, stage = _resolve_stage(pipeline, stage_id, errors)
    people = _clean_people(actor, person_ids, errors) or []
    tag_objs = errors.run(contacts.tags_resolve, tags) or []
    errors.raise_if_any()
    policy.guard_write(
        actor, "deal", fields=fields, lists={"people": bool(people), "tags": bool(tag_objs)}
    )
    assert pipeline is not None and stage is not None
    now = timezone.now()
    fields.setdefault("owner", actor)
    fields.setdefault("probability", stage.probability)
    deal = Deal.objects.create(
        pipeline=pipeline,
        stage=stage,
        status=_status_for(stage),
        stage_entered_at=now,
        closed_at=now if stage.kind != Stage.Kind.OPEN else None,
        position=now.timestamp(),
        **fields,
    )
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
    deal_reindex(deal)
    return deal


@transaction.atomic
def deal_update(
    *,
    actor: User,
    deal: Deal,
    data: dict[str, Any],
    version: int | None,
    stage_id: int | None = None,
    person_ids: Sequence[int] | None = None,
    tags: Sequence[str] | None = None,
) -> Deal:
    policy.ensure_can_write(actor)
    deal = lock_for_update(deal, version)
    errors = FieldErrors()
    fields = _clean_deal(data, actor, errors, deal)
    people = _clean_people(actor, person_ids, errors)
    tag_objs = None if tags is None else errors.run(contacts.tags_resolve, tags)
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
        deal.people.set([*people, *hidden])
        changes["people"] = [None, [p.pk for p in people]]
    if tag_objs is not None:
        deal.tags.set(tag_objs)
        changes["tags"] = [None, [t.name for t in tag_objs]]
    if stage is not None:
        changes["stage"] = [deal.stage_id, stage.pk]
        _enter_stage(deal, stage, actor, keep_probability="probability" in fields)
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
    return deal


@transaction.atomic
def deal_delete(*, actor: User, deal: Deal, version: int | None = None) -> None:
    policy.ensure_can_write(actor)
    deal = lock_for_update(deal, version)
    pk, name = deal.pk, deal.name
    deal.delete()
    audit_record(actor=actor, action="delete", record_type="deal", record_id=pk, summary=name)
    search_document_delete(record_type="deal", record_id=pk)


# --- leads --------------------------------------------------------------------------
def _clean_lead(
    data: dict[str, Any], actor: User, errors: FieldErrors, instance: Lead | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "full_name" in data or instance is None:
        out["full_name"] = errors.run(
            clean_text, data.get("full_name"), field="full_name", max_length=200, required=True
        )
    for name, max_length in (("company", 200), ("job_title", 150), ("source", 100)):
        if name in data:
            out[name] = errors.run(clean_text, data[name], field=name, max_length=max_length)
    if "country" in data:
        out["country"] = errors.run(clean_country, data["country"]) or ""
    if "email" in data:
        out["email"] = errors.run(clean_email, data["email"]) if data["email"] else ""
    if "phone" in data:
        region = out.get("country") or (instance.country if instance else "")
        out["phone"] = (
            errors.run(clean_phone, data["phone"], region=region or None) if data["phone"] else ""
        )
    if "status" in data:
        status = data["status"] or Lead.Status.NEW
        if status not in Lead.Status.values or status == Lead.Status.CONVERTED:
            errors.add(
                "status",
                _(
                    "Choose new, contacted, qualified or unqualified; "
                    "convert a lead to mark it converted."
                ),
            )
        out["status"] = status
    if "preferred_language" in data:
        out["preferred_language"] = errors.run(
            clean_language, data["preferred_language"], field="preferred_language"
        )
    if "description" in data:
        out["description"] = errors.run(clean_long_text, data["description"], field="description")
    if "custom" in data:
        out["custom"] = errors.run(clean_custom, data["custom"])
    if "owner" in data:
        out["owner"] = errors.run(policy.owner_for_write, actor, data["owner"])
    return out


def lead_reindex(lead: Lead) -> None:
    search_document_upsert(
        record_type="lead",
        record_id=lead.pk,
        owner_id=lead.owner_id,
        title=lead.full_name,
        words=[lead.full_name],
        fields=lead_search_fields(
            company=lead.company,
            email=lead.email,
            phone_words=phone_digit_forms(lead.phone) if lead.phone else [],
        ),
    )


def lead_search_fields(*, company: str, email: str, phone_words: list[str]) -> list[SearchField]:
    """What a lead is found by, field by field (the demo's bulk loader uses it too)."""
    return [
        SearchField("company", words=[company], subtitle=company),
        SearchField("email", words=email_words(email) if email else [], subtitle=email),
        SearchField("phone", words=phone_words),
    ]


@transaction.atomic
def lead_create(*, actor: User, data: dict[str, Any], tags: Sequence[str] = ()) -> Lead:
    policy.ensure_can_write(actor)
    errors = FieldErrors()
    fields = _clean_lead(data, actor, errors, None)
    tag_objs = errors.run(contacts.tags_resolve, tags) or []
    errors.raise_if_any()
    policy.guard_write(actor, "lead", fields=fields, lists={"tags": bool(tag_objs)})
    fields.setdefault("owner", actor)
    lead = Lead.objects.create(**fields)
    lead.tags.set(tag_objs)
    audit_record(
        actor=actor,
        action="create",
        record_type="lead",
        record_id=lead.pk,
        changes={k: v for k, v in fields.items() if v},
        summary=lead.full_name,
    )
    lead_reindex(lead)
    return lead


@transaction.atomic
def lead_update(
    *,
    actor: User,
    lead: Lead,
    data: dict[str, Any],
    version: int | None,
    tags: Sequence[str] | None = None,
) -> Lead:
    policy.ensure_can_write(actor)
    lead = lock_for_update(lead, version)
    if lead.status == Lead.Status.CONVERTED:
        raise ValidationFailed(
            _("A converted lead cannot be changed; edit the person or deal instead.")
        )
    errors = FieldErrors()
    fields = _clean_lead(data, actor, errors, lead)
    tag_objs = None if tags is None else errors.run(contacts.tags_resolve, tags)
    errors.raise_if_any()
    policy.guard_write(
        actor,
        "lead",
        fields=fields,
        instance=lead,
        lists={
            "tags": (
                lambda: (
                    sorted(t.name for t in tag_objs or [])
                    != sorted(lead.tags.values_list("name", flat=True))
                )
            )
            if tag_objs is not None
            else False
        },
    )
    changes = diff_fields(lead, fields)
    if tag_objs is not None:
        lead.tags.set(tag_objs)
        changes["tags"] = [None, [t.name for t in tag_objs]]
    bump_version(lead)
    lead.save()
    audit_record(
        actor=actor,
        action="update",
        record_type="lead",
        record_id=lead.pk,
        changes=changes,
        summary=lead.full_name,
    )
    lead_reindex(lead)
    return lead


@transaction.atomic
def lead_reassign(*, actor: User, lead: Lead, owner: User, version: int | None = None) -> Lead:
    """Hand a lead to another owner. Unlike other changes this is allowed for a converted lead
    too, so a user's bulk reassignment (settings area) leaves none of their leads behind."""
    policy.ensure_can_write(actor)
    lead = lock_for_update(lead, version)
    errors = FieldErrors()
    new_owner = errors.run(policy.owner_for_write, actor, owner)
    errors.raise_if_any()
    changes = diff_fields(lead, {"owner": new_owner})
    bump_version(lead)
    lead.save()
    audit_record(
        actor=actor,
        action="update",
        record_type="lead",
        record_id=lead.pk,
        changes=changes,
        summary=lead.full_name,
    )
    lead_reindex(lead)
    return lead


@transaction.atomic
def lead_delete(*, actor: User, lead: Lead, version: int | None = None) -> None:
    policy.ensure_can_write(actor)
    lead = lock_for_update(lead, version)
    pk, name = lead.pk, lead.full_name
    lead.delete()
    audit_record(actor=actor, action="delete", record_type="lead", record_id=pk, summary=name)
    search_document_delete(record_type="lead", record_id=pk)


@transaction.atomic
def lead_convert(
    *,
    actor: User,
    lead: Lead,
    version: int | None,
    create_deal: bool = True,
    deal_name: str = "",
    amount: Any = 0,
    currency: str | None = None,
    organization_id: int | None = None,
) -> Lead:
    """Turn a lead into a person (+ organization, + deal), moving its activities along."""
    policy.ensure_can_write(actor)
    lead = lock_for_update(lead, version)
    if lead.status == Lead.Status.CONVERTED:
        raise ValidationFailed(_("This lead is already converted."))
    org = None
    if organization_id is not None:
        org = Organization.objects.filter(
            visible_q(actor, "organization"), pk=organization_id
        ).first()
        if org is None:
            raise ValidationFailed(fields={"organization_id": _("No such organization.")})
    elif lead.company:
        org = Organization.objects.filter(
            visible_q(actor, "organization"), name__iexact=lead.company
        ).first() or contacts.organization_create(
            actor=actor, data={"name": lead.company, "country": lead.country, "owner": lead.owner}
        )
    person = contacts.person_create(
        actor=actor,
        data={
            "full_name": lead.full_name,
            "job_title": lead.job_title,
            "source": lead.source,
            "country": lead.country,
            "preferred_language": lead.preferred_language,
            "organization_id": org.pk if org else None,
            "owner": lead.owner,
        },
        emails=[contacts.EmailIn(lead.email)] if lead.email else [],
        phones=[contacts.PhoneIn(lead.phone)] if lead.phone else [],
        tags=[t.name for t in lead.tags.all()],
    )
    deal = None
    if create_deal:
        deal = deal_create(
            actor=actor,
            data={
                "name": deal_name or _("%(name)s deal") % {"name": lead.company or lead.full_name},
                "amount": amount,
                "currency": currency or actor.currency,
                "source": lead.source,
                "organization_id": org.pk if org else None,
                "owner": lead.owner,
            },
            person_ids=[person.pk],
        )
    activities_move(
        actor=actor,
        record_type="lead",
        record=lead,
        to={"person": person, "organization": org, "deal": deal},
    )
    lead.status = Lead.Status.CONVERTED
    lead.converted_at = timezone.now()
    lead.converted_person, lead.converted_organization, lead.converted_deal = person, org, deal
    bump_version(lead)
    lead.save()
    audit_record(
        actor=actor,
        action="update",
        record_type="lead",
        record_id=lead.pk,
        changes={
            "status": ["open", "converted"],
            "person": person.pk,
            "organization": org.pk if org else None,
            "deal": deal.pk if deal else None,
        },
        summary=lead.full_name,
    )
    search_document_delete(record_type="lead", record_id=lead.pk)
    return lead
