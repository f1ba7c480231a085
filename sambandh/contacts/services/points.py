"""The parts people and organizations share: contact points, tags, what a write changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sambandh.accounts.models import User
from sambandh.accounts.regions import user_region
from sambandh.contacts.cards import (
    address_entries,
    email_entries,
    phone_entries,
    tag_names_of,
)
from sambandh.contacts.models import (
    EmailAddress,
    Organization,
    Person,
    PhoneNumber,
    PostalAddress,
    Tag,
)
from sambandh.contacts.schemas import AddressSchema, EmailSchema, PhoneSchema
from sambandh.core.addresses import (
    address_errors,
    normalized_postal_code,
    normalized_region,
)
from sambandh.core.cleaning import (
    clean_country,
    clean_email,
    clean_long_text,
    clean_phone,
    clean_text,
)
from sambandh.core.errors import ValidationFailed
from sambandh.core.records import FieldErrors

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
def _clean_emails(items: Sequence[EmailIn | EmailSchema], errors: FieldErrors) -> list[EmailIn]:
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


def _clean_phones(
    items: Sequence[PhoneIn | PhoneSchema], region: str, errors: FieldErrors
) -> list[PhoneIn]:
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


def _clean_addresses(
    items: Sequence[AddressIn | AddressSchema], errors: FieldErrors
) -> list[AddressIn]:
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
            # Standardized per country (core/addresses.py): "sw1a1aa" -> "SW1A 1AA",
            # "california" -> "CA".
            address.postal_code = normalized_postal_code(address.postal_code, address.country)
            address.region = normalized_region(address.region, address.country)
            for name, message in address_errors(
                street=address.street,
                city=address.city,
                region=address.region,
                postal_code=address.postal_code,
                country=address.country,
            ).items():
                errors.add(f"addresses.{i}.{name}", message)
            result.append(address)
    return _one_primary(result)


def phone_region(
    *,
    country: str,
    addresses: Sequence[AddressIn] | None,
    owner: User | None,
    stored_addresses: Any = None,
    organization: Organization | None = None,
) -> str:
    """The country a national phone number of this record is read in: its own country, then
    its primary address's (the one written now, else the one ``stored_addresses`` holds), then
    its organization's (for a person), then its owner's (accounts/regions.py); "" when none
    says one, and then only numbers with a +country code are taken."""
    if country:
        return country
    if addresses is not None:
        address_country = next((a.country for a in addresses if a.is_primary and a.country), "")
    elif stored_addresses is not None:
        address_country = (
            stored_addresses.filter(is_primary=True).values_list("country", flat=True).first() or ""
        )
    else:
        address_country = ""
    if address_country:
        return address_country
    if organization is not None and organization.country:
        return organization.country
    return user_region(owner)


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


def contact_card_of(org: Organization, **sent: Any) -> dict[str, Any]:
    """An organization's contact points in a person's contact-card shape: the lists named in
    ``sent`` whose value is not None (a query each)."""
    entries = {"emails": email_entries, "phones": phone_entries, "addresses": address_entries}
    return {
        key: entries[key](getattr(org, key).order_by("-is_primary", "id"))
        for key, items in sent.items()
        if items is not None
    }


def contact_point_changes(
    card: dict[str, Any] | None,
    *,
    emails: list[EmailIn] | None,
    phones: list[PhoneIn] | None,
    addresses: list[AddressIn] | None,
) -> dict[str, list[Any]]:
    """The audit trail's record of the lists a write replaces: ``[before, after]`` for each
    list sent that differs from the record's (its contact card), in the API's shape, so that
    the History tab can put an earlier list back through the update service."""
    out: dict[str, list[Any]] = {}
    for key, new, entries in (
        ("emails", emails, email_entries),
        ("phones", phones, phone_entries),
        ("addresses", addresses, address_entries),
    ):
        if new is None:
            continue
        before = list((card or {}).get(key) or [])
        after = entries(new)
        if before != after:
            out[key] = [before, after]
    return out


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
