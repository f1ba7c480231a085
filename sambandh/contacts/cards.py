"""A person's contact card and tag names: the API record's lists, kept on the person's row.

The rows (EmailAddress, PhoneNumber, PostalAddress, the tag links) stay the truth; the services
that write them write these copies in the same transaction, in the order the API shows them
(primary first, then as entered; tag names sorted), so an API read is one row
(contacts/record_json.py). A test checks the copies against the rows after every service.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sambandh.contacts.models import Person, Tag


class _Point(Protocol):
    is_primary: bool


# The entries are the API's shapes; they take the services' inputs (EmailIn, PhoneIn, AddressIn)
# and the rows (EmailAddress, PhoneNumber, PostalAddress) alike.


def _primary_first[P: _Point](points: Iterable[P]) -> list[P]:
    return sorted(points, key=lambda point: not point.is_primary)  # stable: then as entered


def email_entries(emails: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {"email": e.email, "label": e.label, "is_primary": e.is_primary}
        for e in _primary_first(emails)
    ]


def phone_entries(phones: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {"number": p.number, "label": p.label, "is_primary": p.is_primary}
        for p in _primary_first(phones)
    ]


def address_entries(addresses: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "street": a.street,
            "city": a.city,
            "region": a.region,
            "postal_code": a.postal_code,
            "country": a.country,
            "label": a.label,
            "is_primary": a.is_primary,
        }
        for a in _primary_first(addresses)
    ]


def card_with(
    card: dict[str, Any] | None,
    *,
    emails: Sequence[Any] | None,
    phones: Sequence[Any] | None,
    addresses: Sequence[Any] | None,
) -> dict[str, Any]:
    """``card`` with the lists that were given replaced (None: unchanged)."""
    out = {"emails": [], "phones": [], "addresses": [], **(card or {})}
    if emails is not None:
        out["emails"] = email_entries(emails)
    if phones is not None:
        out["phones"] = phone_entries(phones)
    if addresses is not None:
        out["addresses"] = address_entries(addresses)
    return out


def tag_names_of(tags: Iterable[Tag]) -> list[str]:
    return sorted(tag.name for tag in tags)


def tag_names_refresh(person_ids: Iterable[int], *, batch: int = 1000) -> None:
    """Rewrite the tag names of these people from their tag links (after a tag is renamed or
    deleted), a batch at a time."""
    ids = sorted(set(person_ids))
    links = Person.tags.through.objects
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        names: dict[int, list[str]] = defaultdict(list)
        for person_id, name in links.filter(person_id__in=chunk).values_list(
            "person_id", "tag__name"
        ):
            names[person_id].append(name)
        Person.objects.bulk_update(
            [Person(pk=pk, tag_names=sorted(names.get(pk, []))) for pk in chunk],
            ["tag_names"],
        )
