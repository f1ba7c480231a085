"""Writes for people, organizations, their contact points, affiliations and tags.

Every write cleans its input (trimmed names, normalized emails, E.164 phones, ISO codes), refuses
a stale version, records an audit row, and refreshes the search document, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.accounts.visibility import visible_q
from sambandh.contacts.cards import (
    address_entries,
    card_with,
    email_entries,
    phone_entries,
    tag_names_of,
)
from sambandh.contacts.models import (
    Affiliation,
    EmailAddress,
    Organization,
    Person,
    PhoneNumber,
    PostalAddress,
    Tag,
)
from sambandh.core import registry
from sambandh.core.audit import audit_record, diff_fields
from sambandh.core.cleaning import (
    clean_country,
    clean_currency,
    clean_domain,
    clean_email,
    clean_language,
    clean_long_text,
    clean_phone,
    clean_text,
    clean_time_zone,
    phone_digit_forms,
)
from sambandh.core.errors import NotFound, ValidationFailed
from sambandh.core.records import FieldErrors, bump_version, clean_custom, lock_for_update
from sambandh.search.services import (
    SearchField,
    email_words,
    search_document_delete,
    search_document_upsert,
)

MAX_CONTACT_POINTS = 20
MAX_TAGS = 50


@dataclass
class EmailIn:
    email: str
    label: str = ""
    is_primary: bool = False


@dataclass
class PhoneIn:
    number: str
    label: str = ""
    is_primary: bool = False


@dataclass
class AddressIn:
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    label: str = ""
    is_primary: bool = False


# --- tags --------------------------------------------------------------------
def tags_resolve(names: Iterable[str]) -> list[Tag]:
    """The tags with these names, created when new (names compare case-insensitively)."""
    cleaned: dict[str, str] = {}
    for raw in names:
        name = clean_text(raw, field="tags", max_length=60)
        if name:
            cleaned.setdefault(name.casefold(), name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed(fields={"tags": _("At most %(n)s tags.") % {"n": MAX_TAGS}})
    tags = []
    for name in cleaned.values():
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        tags.append(tag)
    return tags


# --- contact points ------------------------------------------------------------
def _clean_emails(items: Sequence[EmailIn], errors: FieldErrors) -> list[EmailIn]:
    if len(items) > MAX_CONTACT_POINTS:
        errors.add("emails", _("At most %(n)s email addresses.") % {"n": MAX_CONTACT_POINTS})
        return []
    result: list[EmailIn] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        email = errors.run(clean_email, item.email, field=f"emails.{i}.email")
        if email and email not in seen:
            seen.add(email)
            label = clean_text(item.label, field="label", max_length=40)
            result.append(EmailIn(email=email, label=label, is_primary=item.is_primary))
    return _one_primary(result)


def _clean_phones(items: Sequence[PhoneIn], region: str, errors: FieldErrors) -> list[PhoneIn]:
    if len(items) > MAX_CONTACT_POINTS:
        errors.add("phones", _("At most %(n)s phone numbers.") % {"n": MAX_CONTACT_POINTS})
        return []
    result: list[PhoneIn] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        e164 = errors.run(
            clean_phone, item.number, region=region or None, field=f"phones.{i}.number"
        )
        if e164 and e164 not in seen:
            seen.add(e164)
            label = clean_text(item.label, field="label", max_length=40)
            result.append(PhoneIn(number=e164, label=label, is_primary=item.is_primary))
    return _one_primary(result)


def _clean_addresses(items: Sequence[AddressIn], errors: FieldErrors) -> list[AddressIn]:
    if len(items) > MAX_CONTACT_POINTS:
        errors.add("addresses", _("At most %(n)s addresses.") % {"n": MAX_CONTACT_POINTS})
        return []
    result = []
    for i, item in enumerate(items):
        address = AddressIn(
            street=clean_long_text(item.street, field=f"addresses.{i}.street", max_length=500),
            city=clean_text(item.city, field=f"addresses.{i}.city", max_length=100),
            region=clean_text(item.region, field=f"addresses.{i}.region", max_length=100),
            postal_code=clean_text(
                item.postal_code, field=f"addresses.{i}.postal_code", max_length=20
            ),
            country=errors.run(clean_country, item.country, field=f"addresses.{i}.country") or "",
            label=clean_text(item.label, field=f"addresses.{i}.label", max_length=40),
            is_primary=item.is_primary,
        )
        if any(
            [address.street, address.city, address.region, address.postal_code, address.country]
        ):
            result.append(address)
    return _one_primary(result)


def _one_primary(items: list[Any]) -> list[Any]:
    if items and not any(i.is_primary for i in items):
        items[0].is_primary = True
    seen = False
    for item in items:
        item.is_primary = item.is_primary and not seen
        seen = seen or item.is_primary
    return items


def _replace_contact_points(
    owner: dict[str, Any],
    emails: list[EmailIn] | None,
    phones: list[PhoneIn] | None,
    addresses: list[AddressIn] | None,
) -> None:
    if emails is not None:
        EmailAddress.objects.filter(**owner).delete()
        EmailAddress.objects.bulk_create(
            EmailAddress(email=e.email, label=e.label, is_primary=e.is_primary, **owner)
            for e in emails
        )
    if phones is not None:
        PhoneNumber.objects.filter(**owner).delete()
        PhoneNumber.objects.bulk_create(
            PhoneNumber(e164=p.number, label=p.label, is_primary=p.is_primary, **owner)
            for p in phones
        )
    if addresses is not None:
        PostalAddress.objects.filter(**owner).delete()
        PostalAddress.objects.bulk_create(
            PostalAddress(
                street=a.street,
                city=a.city,
                region=a.region,
                postal_code=a.postal_code,
                country=a.country,
                label=a.label,
                is_primary=a.is_primary,
                **owner,
            )
            for a in addresses
        )


def _list_changes(
    record: Person | Organization,
    *,
    emails: list[EmailIn] | None,
    phones: list[PhoneIn] | None,
    addresses: list[AddressIn] | None,
    tags: list[Tag] | None,
) -> dict[str, Any]:
    """For the field policy: whether each list a write sends differs from the record's (asked
    only when a field rule applies to the writer)."""
    owner = {"person": record} if isinstance(record, Person) else {"organization": record}

    def differs(name: str, new: list[Any] | None, entries: Any, rows: Any) -> Any:
        if new is None:
            return False
        return lambda: entries(new) != entries(rows.filter(**owner).order_by("-is_primary", "id"))

    return {
        "emails": differs("emails", emails, email_entries, EmailAddress.objects),
        "phones": differs("phones", phones, phone_entries, PhoneNumber.objects),
        "addresses": differs("addresses", addresses, address_entries, PostalAddress.objects),
        "tags": (lambda: tag_names_of(tags) != tag_names_of(record.tags.all()))
        if tags is not None
        else False,
    }


# --- organizations --------------------------------------------------------------
ORG_TEXT_FIELDS = {"name": 200, "industry": 100}


def _clean_organization(
    data: dict[str, Any], actor: User, errors: FieldErrors, instance: Organization | None
) -> dict[str, Any]:
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
    if "custom" in data:
        out["custom"] = errors.run(clean_custom, data["custom"])
    if "owner" in data:
        out["owner"] = errors.run(policy.owner_for_write, actor, data["owner"])
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
        fields=organization_search_fields(
            domain=org.domain,
            industry=org.industry,
            email_words=[w for e in emails for w in email_words(e)],
            phone_words=[w for p in phones for w in phone_digit_forms(p)],
        ),
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
def organization_create(
    *,
    actor: User,
    data: dict[str, Any],
    emails: Sequence[EmailIn] = (),
    phones: Sequence[PhoneIn] = (),
    addresses: Sequence[AddressIn] = (),
    tags: Sequence[str] = (),
) -> Organization:
    policy.ensure_can_write(actor)
    errors = FieldErrors()
    fields = _clean_organization(data, actor, errors, None)
    clean_emails = _clean_emails(emails, errors)
    clean_phones = _clean_phones(phones, fields.get("country") or "", errors)
    clean_addresses = _clean_addresses(addresses, errors)
    tag_objs = errors.run(tags_resolve, tags) or []
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
    organization_reindex(org)
    return org


@transaction.atomic
def organization_update(
    *,
    actor: User,
    organization: Organization,
    data: dict[str, Any],
    version: int | None,
    emails: Sequence[EmailIn] | None = None,
    phones: Sequence[PhoneIn] | None = None,
    addresses: Sequence[AddressIn] | None = None,
    tags: Sequence[str] | None = None,
) -> Organization:
    policy.ensure_can_write(actor)
    org = lock_for_update(organization, version)
    errors = FieldErrors()
    fields = _clean_organization(data, actor, errors, org)
    clean_emails = None if emails is None else _clean_emails(emails, errors)
    region = fields.get("country", org.country)
    clean_phones = None if phones is None else _clean_phones(phones, region, errors)
    clean_addresses = None if addresses is None else _clean_addresses(addresses, errors)
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
    _replace_contact_points({"organization": org}, clean_emails, clean_phones, clean_addresses)
    if tag_objs is not None:
        org.tags.set(tag_objs)
        changes["tags"] = [None, [t.name for t in tag_objs]]
    for name, items in (
        ("emails", clean_emails),
        ("phones", clean_phones),
        ("addresses", clean_addresses),
    ):
        if items is not None:
            changes[name] = [None, len(items)]
    bump_version(org)
    org.save()
    if "name" in changes:
        # People and deals show their organization's name in search.
        registry.reindex_all(registry.records_linking_to("organization", org.pk))
    audit_record(
        actor=actor,
        action="update",
        record_type="organization",
        record_id=org.pk,
        changes=changes,
        summary=org.name,
    )
    organization_reindex(org)
    return org


@transaction.atomic
def organization_delete(
    *, actor: User, organization: Organization, version: int | None = None
) -> None:
    policy.ensure_can_write(actor)
    org = lock_for_update(organization, version)
    pk, name = org.pk, org.name
    linking = registry.records_linking_to("organization", pk)
    org.delete()
    audit_record(
        actor=actor, action="delete", record_type="organization", record_id=pk, summary=name
    )
    search_document_delete(record_type="organization", record_id=pk)
    registry.reindex_all(linking)


# --- people ----------------------------------------------------------------------
def _compose_name(given: str, family: str) -> str:
    return " ".join(x for x in [given, family] if x)


def _clean_person(
    data: dict[str, Any], actor: User, errors: FieldErrors, instance: Person | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, max_length in (
        ("given_name", 100),
        ("family_name", 100),
        ("job_title", 150),
        ("source", 100),
    ):
        if name in data:
            out[name] = errors.run(clean_text, data[name], field=name, max_length=max_length)
    if "full_name" in data:
        out["full_name"] = errors.run(
            clean_text, data["full_name"], field="full_name", max_length=200
        )
    given = out.get("given_name", instance.given_name if instance else "") or ""
    family = out.get("family_name", instance.family_name if instance else "") or ""
    full = out.get("full_name")
    if not full:
        # A split name composes the whole form unless the writer gave one; cultures that do not
        # split names give full_name alone.
        if "given_name" in data or "family_name" in data or instance is None:
            full = _compose_name(given, family)
        if full:
            out["full_name"] = full
        elif instance is None or "full_name" in data:
            errors.add("full_name", _("Enter a name: a full name, or a given or family name."))
    if "description" in data:
        out["description"] = errors.run(clean_long_text, data["description"], field="description")
    if "preferred_language" in data:
        out["preferred_language"] = errors.run(
            clean_language, data["preferred_language"], field="preferred_language"
        )
    if "time_zone" in data:
        out["time_zone"] = (
            errors.run(clean_time_zone, data["time_zone"]) if data["time_zone"] else ""
        )
    if "currency" in data:
        out["currency"] = errors.run(clean_currency, data["currency"]) if data["currency"] else ""
    if "country" in data:
        out["country"] = errors.run(clean_country, data["country"]) or ""
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


def person_reindex(person: Person) -> None:
    emails = list(EmailAddress.objects.filter(person=person).values_list("email", flat=True))
    phones = list(PhoneNumber.objects.filter(person=person).values_list("e164", flat=True))
    org_name = person.organization.name if person.organization_id and person.organization else ""
    search_document_upsert(
        record_type="person",
        record_id=person.pk,
        owner_id=person.owner_id,
        title=person.full_name,
        words=[person.full_name, person.given_name, person.family_name],
        fields=person_search_fields(
            job_title=person.job_title,
            organization=(person.organization_id, org_name),
            email=person.email,
            email_words=[w for e in emails for w in email_words(e)],
            phone_words=[w for p in phones for w in phone_digit_forms(p)],
        ),
    )


def person_search_fields(
    *,
    job_title: str,
    organization: tuple[int | None, str],
    email: str,
    email_words: list[str],
    phone_words: list[str],
) -> list[SearchField]:
    """What a person is found by, field by field: a search leaves out the fields hidden from
    the viewer and their organization when the viewer may not see it (the demo's bulk loader
    uses it too)."""
    org_id, org_name = organization
    return [
        SearchField("job_title", subtitle=job_title),
        SearchField(
            "organization",
            words=[org_name],
            subtitle=org_name,
            link=("organization", org_id) if org_id else None,
        ),
        SearchField("emails", words=email_words, subtitle=email),
        SearchField("phones", words=phone_words),
    ]


def _sync_primary_affiliation(person: Person, title: str) -> None:
    """The person's organization is their primary current affiliation; earlier ones become
    history."""
    current = Affiliation.objects.filter(person=person, is_primary=True, ended_on__isnull=True)
    if person.organization_id is None:
        current.update(is_primary=False, ended_on=timezone.localdate())
        return
    current.exclude(organization_id=person.organization_id).update(
        is_primary=False, ended_on=timezone.localdate()
    )
    link = Affiliation.objects.filter(
        person=person, organization_id=person.organization_id, ended_on__isnull=True
    ).first()
    if link is None:
        Affiliation.objects.create(
            person=person,
            organization_id=person.organization_id,
            title=title,
            is_primary=True,
            started_on=timezone.localdate(),
        )
    elif not link.is_primary or link.title != title:
        link.is_primary, link.title = True, title
        link.save(update_fields=["is_primary", "title"])


@transaction.atomic
def person_create(
    *,
    actor: User,
    data: dict[str, Any],
    emails: Sequence[EmailIn] = (),
    phones: Sequence[PhoneIn] = (),
    addresses: Sequence[AddressIn] = (),
    tags: Sequence[str] = (),
) -> Person:
    policy.ensure_can_write(actor)
    errors = FieldErrors()
    fields = _clean_person(data, actor, errors, None)
    clean_emails = _clean_emails(emails, errors)
    clean_phones = _clean_phones(phones, fields.get("country") or "", errors)
    clean_addresses = _clean_addresses(addresses, errors)
    tag_objs = errors.run(tags_resolve, tags) or []
    errors.raise_if_any()
    policy.guard_write(
        actor,
        "person",
        fields=fields,
        lists={
            "emails": bool(clean_emails),
            "phones": bool(clean_phones),
            "addresses": bool(clean_addresses),
            "tags": bool(tag_objs),
        },
    )
    fields.setdefault("owner", actor)
    fields["email"] = next((e.email for e in clean_emails if e.is_primary), "")
    fields["phone"] = next((p.number for p in clean_phones if p.is_primary), "")
    person = Person.objects.create(
        **fields,
        contact_card=card_with(
            None, emails=clean_emails, phones=clean_phones, addresses=clean_addresses
        ),
        tag_names=tag_names_of(tag_objs),
    )
    _replace_contact_points({"person": person}, clean_emails, clean_phones, clean_addresses)
    person.tags.set(tag_objs)
    _sync_primary_affiliation(person, person.job_title)
    audit_record(
        actor=actor,
        action="create",
        record_type="person",
        record_id=person.pk,
        changes={k: v for k, v in fields.items() if v},
        summary=person.full_name,
    )
    person_reindex(person)
    return person


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    data: dict[str, Any],
    version: int | None,
    emails: Sequence[EmailIn] | None = None,
    phones: Sequence[PhoneIn] | None = None,
    addresses: Sequence[AddressIn] | None = None,
    tags: Sequence[str] | None = None,
) -> Person:
    policy.ensure_can_write(actor)
    person = lock_for_update(person, version)
    errors = FieldErrors()
    fields = _clean_person(data, actor, errors, person)
    clean_emails = None if emails is None else _clean_emails(emails, errors)
    region = fields.get("country", person.country)
    clean_phones = None if phones is None else _clean_phones(phones, region, errors)
    clean_addresses = None if addresses is None else _clean_addresses(addresses, errors)
    tag_objs = None if tags is None else errors.run(tags_resolve, tags)
    errors.raise_if_any()
    policy.guard_write(
        actor,
        "person",
        fields=fields,
        instance=person,
        lists=_list_changes(
            person,
            emails=clean_emails,
            phones=clean_phones,
            addresses=clean_addresses,
            tags=tag_objs,
        ),
    )
    if clean_emails is not None:
        fields["email"] = next((e.email for e in clean_emails if e.is_primary), "")
    if clean_phones is not None:
        fields["phone"] = next((p.number for p in clean_phones if p.is_primary), "")
    changes = diff_fields(person, fields)
    _replace_contact_points({"person": person}, clean_emails, clean_phones, clean_addresses)
    person.contact_card = card_with(
        person.contact_card, emails=clean_emails, phones=clean_phones, addresses=clean_addresses
    )
    if tag_objs is not None:
        person.tags.set(tag_objs)
        person.tag_names = tag_names_of(tag_objs)
        changes["tags"] = [None, [t.name for t in tag_objs]]
    bump_version(person)
    person.save()
    if "organization" in changes or "job_title" in changes:
        _sync_primary_affiliation(person, person.job_title)
    audit_record(
        actor=actor,
        action="update",
        record_type="person",
        record_id=person.pk,
        changes=changes,
        summary=person.full_name,
    )
    person_reindex(person)
    return person


@transaction.atomic
def person_delete(*, actor: User, person: Person, version: int | None = None) -> None:
    policy.ensure_can_write(actor)
    person = lock_for_update(person, version)
    pk, name = person.pk, person.full_name
    person.delete()
    audit_record(actor=actor, action="delete", record_type="person", record_id=pk, summary=name)
    search_document_delete(record_type="person", record_id=pk)


def require_found(obj: Any) -> Any:
    if obj is None:
        raise NotFound()
    return obj
