"""Writes for leads, and their conversion into a person, an organization and a deal."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.accounts.regions import user_region
from sambandh.accounts.visibility import visible_q
from sambandh.activities.services import activities_move
from sambandh.contacts import services as contacts
from sambandh.contacts.models import Organization
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.core.audit import audit_record, diff_fields, record_assigned
from sambandh.core.cleaning import (
    clean_country,
    clean_email,
    clean_language,
    clean_long_text,
    clean_person_names,
    clean_phone,
    clean_text,
    phone_digit_forms,
)
from sambandh.core.errors import ValidationFailed
from sambandh.core.inputs import sent_list
from sambandh.core.records import FieldErrors, bump_version, lock_for_update
from sambandh.customfields.selectors import custom_search_fields
from sambandh.customfields.services import custom_values_clean
from sambandh.recyclebin.services import bin_record
from sambandh.sales.models import Lead
from sambandh.sales.schemas import DealIn, LeadIn
from sambandh.sales.services.deals import deal_create
from sambandh.search.services import (
    SearchField,
    email_words,
    search_document_delete,
    search_document_upsert,
)


# --- leads --------------------------------------------------------------------------
def _clean_lead(
    inp: LeadIn, actor: User, errors: FieldErrors, instance: Lead | None
) -> dict[str, Any]:
    data = inp.given(exclude=("tags", "owner_id", "version"))
    out: dict[str, Any] = {}
    if "full_name" in data or instance is None:
        name = clean_person_names({"full_name": data.get("full_name")})["full_name"]
        out["full_name"] = errors.run(
            clean_text, name, field="full_name", max_length=200, required=True
        )
    for name, max_length in (("company", 200), ("job_title", 150), ("source", 100)):
        if name in data:
            out[name] = errors.run(clean_text, data[name], field=name, max_length=max_length)
    if "country" in data:
        out["country"] = errors.run(clean_country, data["country"]) or ""
    if "email" in data:
        out["email"] = errors.run(clean_email, data["email"]) if data["email"] else ""
    if "phone" in data:
        # The lead's own country, else its owner's (never a site-wide default).
        region = (
            out.get("country")
            or (instance.country if instance else "")
            or user_region(out.get("owner") or (instance.owner if instance else actor))
        )
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
    if "custom" in data or instance is None:
        out["custom"] = errors.run(
            custom_values_clean,
            actor=actor,
            record_type="lead",
            value=data.get("custom"),
            current=instance.custom if instance else None,
            creating=instance is None,
        )
    if inp.sent("owner_id"):
        out["owner"] = errors.run(policy.owner_for_input, actor, inp.owner_id)
    return out


def lead_reindex(lead: Lead) -> None:
    search_document_upsert(
        record_type="lead",
        record_id=lead.pk,
        owner_id=lead.owner_id,
        title=lead.full_name,
        words=[lead.full_name],
        fields=[
            *lead_search_fields(
                company=lead.company,
                email=lead.email,
                phone_words=phone_digit_forms(lead.phone) if lead.phone else [],
            ),
            *custom_search_fields("lead", lead.custom),
        ],
    )


def lead_search_fields(*, company: str, email: str, phone_words: list[str]) -> list[SearchField]:
    """What a lead is found by, field by field (the demo's bulk loader uses it too)."""
    return [
        SearchField("company", words=[company], subtitle=company),
        SearchField("email", words=email_words(email) if email else [], subtitle=email),
        SearchField("phone", words=phone_words),
    ]


@transaction.atomic
def lead_create(*, actor: User, data: LeadIn) -> Lead:
    """A new lead from ``data`` (the API's body or the form's input); what was not sent is left
    empty, and the actor owns it unless ``owner_id`` names another user."""
    policy.ensure_can_write(actor)
    errors = FieldErrors()
    fields = _clean_lead(data, actor, errors, None)
    tag_objs = errors.run(contacts.tags_resolve, sent_list(data.tags) or []) or []
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
    record_assigned(actor=actor, record_type="lead", record_id=lead.pk, user_id=lead.owner_id)
    lead_reindex(lead)
    return lead


@transaction.atomic
def lead_update(*, actor: User, lead: Lead, data: LeadIn, version: int | None) -> Lead:
    """Change the fields ``data`` sent (tags sent replace the whole list; ``None`` empties it);
    ``version`` is the one the writer read (None: no check)."""
    policy.ensure_can_write(actor)
    lead = lock_for_update(lead, version)
    if lead.status == Lead.Status.CONVERTED:
        raise ValidationFailed(
            _("A converted lead cannot be changed; edit the person or deal instead.")
        )
    errors = FieldErrors()
    fields = _clean_lead(data, actor, errors, lead)
    tags = sent_list(data.tags)
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
        tags_before = sorted(lead.tags.values_list("name", flat=True))
        lead.tags.set(tag_objs)
        changes["tags"] = [tags_before, [t.name for t in tag_objs]]
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
    if "owner" in changes:
        record_assigned(actor=actor, record_type="lead", record_id=lead.pk, user_id=lead.owner_id)
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
    if "owner" in changes:
        record_assigned(actor=actor, record_type="lead", record_id=lead.pk, user_id=lead.owner_id)
    lead_reindex(lead)
    return lead


@transaction.atomic
def lead_delete(*, actor: User, lead: Lead, version: int | None = None) -> None:
    policy.ensure_can_write(actor)
    lead = lock_for_update(lead, version)
    pk, name = lead.pk, lead.full_name
    bin_record(actor=actor, record_type="lead", record=lead, summary=name)
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
    amount: Any = None,
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
            actor=actor,
            data=OrganizationIn.build(
                {"name": lead.company, "country": lead.country, "owner_id": lead.owner.pk}
            ),
        )
    person = contacts.person_create(
        actor=actor,
        data=PersonIn.build(
            {
                "full_name": lead.full_name,
                "job_title": lead.job_title,
                "source": lead.source,
                "country": lead.country,
                "preferred_language": lead.preferred_language,
                "organization_id": org.pk if org else None,
                "owner_id": lead.owner.pk,
                "emails": [contacts.EmailIn(lead.email)] if lead.email else [],
                "phones": [contacts.PhoneIn(lead.phone)] if lead.phone else [],
                "tags": [t.name for t in lead.tags.all()],
            }
        ),
    )
    deal = None
    if create_deal:
        deal = deal_create(
            actor=actor,
            data=DealIn.build(
                {
                    "name": deal_name
                    or _("%(name)s deal") % {"name": lead.company or lead.full_name},
                    # As the API takes it: a decimal string (the form parses it to a Decimal);
                    # none stays unknown. No currency: the deal's default chain decides.
                    "amount": None if amount is None or amount == "" else str(amount),
                    "currency": currency or None,
                    "source": lead.source,
                    "organization_id": org.pk if org else None,
                    "owner_id": lead.owner.pk,
                    "person_ids": [person.pk],
                }
            ),
        )
    activities_move(
        actor=actor,
        record_type="lead",
        record=lead,
        to={"person": person, "organization": org, "deal": deal},
    )
    links_before = (
        lead.converted_person_id,
        lead.converted_organization_id,
        lead.converted_deal_id,
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
            "person": [links_before[0], person.pk],
            "organization": [links_before[1], org.pk if org else None],
            "deal": [links_before[2], deal.pk if deal else None],
        },
        summary=lead.full_name,
    )
    search_document_delete(record_type="lead", record_id=lead.pk)
    return lead


#: Stored data, not interface text: what an erased value reads as in the audit trail.
ERASED = "[erased]"

_LEAD_PERSONAL = (
    "company",
    "job_title",
    "email",
    "phone",
    "source",
    "country",
    "preferred_language",
    "description",
)


@transaction.atomic
def lead_erase(*, actor: Any, lead: Lead, label: str) -> Lead:
    """A data-subject erasure of a lead that is a copy of the erased person (the lead converted
    into them, or one with their email; sambandh/privacy/erasure.py): every personal field
    blanked whatever the lead's status (a converted lead too), the name replaced by ``label``,
    tags and custom values emptied. One audit row naming the fields, without the values before
    (they are what is erased), and the search document rebuilt (a converted lead has none).
    The caller (the privacy app's service) decides who may erase."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    blank: dict[str, Any] = {"full_name": label, **{name: "" for name in _LEAD_PERSONAL}}
    changed = [name for name, value in blank.items() if getattr(lead, name) != value]
    for name, value in blank.items():
        setattr(lead, name, value)
    if lead.custom:
        changed.append("custom")
        lead.custom = {}
    if lead.tags.exists():
        changed.append("tags")
        lead.tags.clear()
    bump_version(lead)
    lead.save()
    audit_record(
        actor=actor,
        action="update",
        record_type="lead",
        record_id=lead.pk,
        changes={name: [None, ERASED] for name in changed},
        summary=label,
        event="lead.erased",
    )
    if lead.status == Lead.Status.CONVERTED:
        search_document_delete(record_type="lead", record_id=lead.pk)
    else:
        lead_reindex(lead)
    return lead
