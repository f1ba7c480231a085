"""Writes for organizations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.accounts.visibility import visible_q
from sambandh.contacts.models import (
    EmailAddress,
    Organization,
    PhoneNumber,
)
from sambandh.contacts.residency import clean_residency
from sambandh.contacts.schemas import OrganizationIn
from sambandh.contacts.services.points import (
    _clean_addresses,
    _clean_emails,
    _clean_phones,
    _list_changes,
    _replace_contact_points,
    contact_card_of,
    contact_point_changes,
    phone_region,
    tags_resolve,
)
from sambandh.core import registry
from sambandh.core.audit import audit_record, diff_fields, record_assigned
from sambandh.core.cleaning import (
    clean_country,
    clean_currency,
    clean_domain,
    clean_long_text,
    clean_text,
    clean_time_zone,
    phone_digit_forms,
)
from sambandh.core.inputs import sent_list
from sambandh.core.records import (
    FieldErrors,
    Reassigned,
    bump_version,
    lock_for_update,
    reassign_rows,
)
from sambandh.customfields.selectors import custom_search_fields
from sambandh.customfields.services import custom_values_clean
from sambandh.recyclebin.services import bin_record
from sambandh.search.services import (
    SearchField,
    email_words,
    search_document_delete,
    search_document_upsert,
    search_documents_reown,
)

# --- organizations --------------------------------------------------------------
ORG_TEXT_FIELDS = {"name": 200, "industry": 100}


def _clean_organization(
    inp: OrganizationIn, actor: User, errors: FieldErrors, instance: Organization | None
) -> dict[str, Any]:
    data = inp.given(exclude=("emails", "phones", "addresses", "tags", "owner_id", "version"))
    out: dict[str, Any] = {}
    if "name" in data or instance is None:
        out["name"] = errors.run(
            clean_text, data.get("name"), field="name", max_length=200, required=True
        )
    if "industry" in data:
        out["industry"] = errors.run(clean_text, data["industry"], field="industry", max_length=100)
    if "domain" in data:
        out["domain"] = errors.run(clean_domain, data["domain"])
    if "website" in data:
        website = clean_text(data["website"], field="website", max_length=300)
        if website and not website.startswith(("http://", "https://")):
            website = "https://" + website
        out["website"] = website
        if website and not data.get("domain") and not (instance and instance.domain):
            out["domain"] = errors.run(clean_domain, website, field="website")
    if "size" in data:
        size = data["size"] or ""
        if size and size not in Organization.Size.values:
            errors.add(
                "size", _("Choose one of: %(v)s.") % {"v": ", ".join(Organization.Size.values)}
            )
        out["size"] = size
    if "description" in data:
        out["description"] = errors.run(clean_long_text, data["description"], field="description")
    if "country" in data:
        out["country"] = errors.run(clean_country, data["country"]) or ""
    if "currency" in data:
        out["currency"] = errors.run(clean_currency, data["currency"]) if data["currency"] else ""
    if "residency" in data:
        out["residency"] = errors.run(clean_residency, data["residency"]) or ""
    if "time_zone" in data:
        out["time_zone"] = (
            errors.run(clean_time_zone, data["time_zone"]) if data["time_zone"] else ""
        )
    if "custom" in data or instance is None:
        out["custom"] = errors.run(
            custom_values_clean,
            actor=actor,
            record_type="organization",
            value=data.get("custom"),
            current=instance.custom if instance else None,
            creating=instance is None,
        )
    if inp.sent("owner_id"):
        out["owner"] = errors.run(policy.owner_for_input, actor, inp.owner_id)
    if "parent_id" in data:
        parent_id = data["parent_id"]
        parent = None
        if parent_id is not None:
            parent = Organization.objects.filter(
                visible_q(actor, "organization"), pk=parent_id
            ).first()
            if parent is None:
                errors.add("parent_id", _("No such organization."))
            elif instance is not None and _would_cycle(instance, parent):
                errors.add("parent_id", _("An organization cannot be its own parent or ancestor."))
        out["parent"] = parent
    return out


def _would_cycle(instance: Organization, parent: Organization) -> bool:
    seen = set()
    node: Organization | None = parent
    while node is not None and node.pk not in seen:
        if node.pk == instance.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def organization_reindex(org: Organization) -> None:
    emails = list(EmailAddress.objects.filter(organization=org).values_list("email", flat=True))
    phones = list(PhoneNumber.objects.filter(organization=org).values_list("e164", flat=True))
    search_document_upsert(
        record_type="organization",
        record_id=org.pk,
        owner_id=org.owner_id,
        title=org.name,
        words=[org.name],
        fields=[
            *organization_search_fields(
                domain=org.domain,
                industry=org.industry,
                email_words=[w for e in emails for w in email_words(e)],
                phone_words=[w for p in phones for w in phone_digit_forms(p)],
            ),
            *custom_search_fields("organization", org.custom),
        ],
    )


def organization_search_fields(
    *, domain: str, industry: str, email_words: list[str], phone_words: list[str]
) -> list[SearchField]:
    """What an organization is found by, field by field (the demo's bulk loader uses it too,
    with the same words made its faster way)."""
    return [
        SearchField("domain", words=[domain], subtitle=domain),
        SearchField("industry", words=[industry], subtitle=industry),
        SearchField("emails", words=email_words),
        SearchField("phones", words=phone_words),
    ]


@transaction.atomic
def organization_create(*, actor: User, data: OrganizationIn) -> Organization:
    """A new organization from ``data`` (the API's body or the form's input)."""
    policy.ensure_can_write(actor)
    errors = FieldErrors()
    fields = _clean_organization(data, actor, errors, None)
    clean_emails = _clean_emails(sent_list(data.emails) or [], errors)
    clean_addresses = _clean_addresses(sent_list(data.addresses) or [], errors)
    region = phone_region(
        country=fields.get("country") or "",
        addresses=clean_addresses,
        owner=fields.get("owner") or actor,
    )
    clean_phones = _clean_phones(sent_list(data.phones) or [], region, errors)
    tag_objs = errors.run(tags_resolve, sent_list(data.tags) or []) or []
    errors.raise_if_any()
    policy.guard_write(
        actor,
        "organization",
        fields=fields,
        lists={
            "emails": bool(clean_emails),
            "phones": bool(clean_phones),
            "addresses": bool(clean_addresses),
            "tags": bool(tag_objs),
        },
    )
    fields.setdefault("owner", actor)
    org = Organization.objects.create(**fields)
    _replace_contact_points({"organization": org}, clean_emails, clean_phones, clean_addresses)
    org.tags.set(tag_objs)
    audit_record(
        actor=actor,
        action="create",
        record_type="organization",
        record_id=org.pk,
        changes={k: v for k, v in fields.items() if v},
        summary=org.name,
    )
    record_assigned(actor=actor, record_type="organization", record_id=org.pk, user_id=org.owner_id)
    organization_reindex(org)
    return org


@transaction.atomic
def organization_update(
    *, actor: User, organization: Organization, data: OrganizationIn, version: int | None
) -> Organization:
    """Change the fields ``data`` sent (a list sent replaces the whole list)."""
    policy.ensure_can_write(actor)
    org = lock_for_update(organization, version)
    errors = FieldErrors()
    fields = _clean_organization(data, actor, errors, org)
    emails, phones = sent_list(data.emails), sent_list(data.phones)
    addresses, tags = sent_list(data.addresses), sent_list(data.tags)
    clean_emails = None if emails is None else _clean_emails(emails, errors)
    clean_addresses = None if addresses is None else _clean_addresses(addresses, errors)
    clean_phones = None
    if phones is not None:
        region = phone_region(
            country=fields.get("country", org.country) or "",
            addresses=clean_addresses,
            stored_addresses=org.addresses.all(),
            owner=fields.get("owner") or org.owner,
        )
        clean_phones = _clean_phones(phones, region, errors)
    tag_objs = None if tags is None else errors.run(tags_resolve, tags)
    errors.raise_if_any()
    policy.guard_write(
        actor,
        "organization",
        fields=fields,
        instance=org,
        lists=_list_changes(
            org, emails=clean_emails, phones=clean_phones, addresses=clean_addresses, tags=tag_objs
        ),
    )
    changes = diff_fields(org, fields)
    changes.update(
        contact_point_changes(
            contact_card_of(
                org, emails=clean_emails, phones=clean_phones, addresses=clean_addresses
            ),
            emails=clean_emails,
            phones=clean_phones,
            addresses=clean_addresses,
        )
    )
    _replace_contact_points({"organization": org}, clean_emails, clean_phones, clean_addresses)
    if tag_objs is not None:
        tags_before = sorted(org.tags.values_list("name", flat=True))
        org.tags.set(tag_objs)
        changes["tags"] = [tags_before, [t.name for t in tag_objs]]
    bump_version(org)
    org.save()
    # People and deals show their organization's name in search: a rename re-indexes them after
    # commit, in the worker (handlers.organization_renamed), not in this request.
    audit_record(
        actor=actor,
        action="update",
        record_type="organization",
        record_id=org.pk,
        changes=changes,
        summary=org.name,
    )
    if "owner" in changes:
        record_assigned(
            actor=actor, record_type="organization", record_id=org.pk, user_id=org.owner_id
        )
    organization_reindex(org)
    return org


@transaction.atomic
def organizations_reassign(
    *,
    actor: User,
    ids: Sequence[int],
    owner: User,
    expected: Mapping[int, int] | None = None,
) -> tuple[list[Reassigned], set[int]]:
    """Hand the organizations ``ids`` to ``owner``, each as its own write, in a few statements
    (as ``people_reassign``)."""
    policy.ensure_can_write(actor)
    owner = policy.owner_for_write(actor, owner)
    policy.guard_changes(actor, "organization", ["owner"])
    changed, moved_on = reassign_rows(
        Organization,
        record_type="organization",
        actor=actor,
        owner=owner,
        ids=ids,
        expected=expected,
        summary_field="name",
    )
    search_documents_reown(
        record_type="organization", record_ids=[c.record_id for c in changed], owner_id=owner.pk
    )
    return changed, moved_on


@transaction.atomic
def organization_delete(
    *, actor: User, organization: Organization, version: int | None = None
) -> None:
    policy.ensure_can_write(actor)
    org = lock_for_update(organization, version)
    pk, name = org.pk, org.name
    linking = registry.records_linking_to("organization", pk)
    bin_record(actor=actor, record_type="organization", record=org, summary=name)
    org.delete()
    audit_record(
        actor=actor, action="delete", record_type="organization", record_id=pk, summary=name
    )
    search_document_delete(record_type="organization", record_id=pk)
    registry.reindex_all(linking)
