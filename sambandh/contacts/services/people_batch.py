"""Creating many people at once (an import's batch): each person is checked exactly as
``person_create`` checks one (the same cleaning, field policy and suppression list), and those
that pass are written together, each still its own record with its audit row, its event, its
"assigned" event and its search document, in a few statements for the whole batch instead of
some thirty per person.

A person that does not pass is that item's answer (the ValidationFailed or the refusal), and
the others are written; a failure while writing fails the whole call (the caller's savepoint),
so a caller can fall back to ``person_create`` one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.accounts.visibility import visible_q
from sambandh.contacts.cards import card_with, tag_names_of
from sambandh.contacts.models import (
    Affiliation,
    EmailAddress,
    Organization,
    Person,
    PhoneNumber,
    PostalAddress,
    Tag,
)
from sambandh.contacts.schemas import PersonIn
from sambandh.contacts.services.people import _clean_person, person_search_fields
from sambandh.contacts.services.points import (
    _clean_addresses,
    _clean_emails,
    _clean_phones,
    phone_region,
    tags_resolve,
)
from sambandh.core.audit import audit_records, records_assigned
from sambandh.core.cleaning import clean_text, phone_digit_forms
from sambandh.core.copy_insert import insert_many, insert_rows
from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.core.inputs import sent_list
from sambandh.core.records import FieldErrors
from sambandh.customfields.selectors import custom_search_fields
from sambandh.search.services import (
    email_words,
    search_document_row,
    search_rows_insert,
)


class _Item:
    def __init__(
        self,
        index: int,
        fields: dict[str, Any],
        emails: Any,
        phones: Any,
        addresses: Any,
        tags: list[str],
    ):
        self.index, self.fields = index, fields
        self.emails, self.phones, self.addresses, self.tags = emails, phones, addresses, tags
        self.person: Person | None = None


def _check(
    actor: User, index: int, data: PersonIn, organizations: dict[int, Organization]
) -> _Item:
    errors = FieldErrors()
    fields = _clean_person(data, actor, errors, None, organizations)
    emails = _clean_emails(sent_list(data.emails) or [], errors)
    addresses = _clean_addresses(sent_list(data.addresses) or [], errors)
    region = phone_region(
        country=fields.get("country") or "",
        addresses=addresses,
        organization=fields.get("organization"),
        owner=fields.get("owner") or actor,
    )
    phones = _clean_phones(sent_list(data.phones) or [], region, errors)
    tags: dict[str, str] = {}
    for raw in sent_list(data.tags) or []:
        name = errors.run(clean_text, raw, field="tags", max_length=60)
        if name:
            tags.setdefault(name.casefold(), name)
    errors.raise_if_any()
    policy.guard_write(
        actor,
        "person",
        fields=fields,
        lists={
            "emails": bool(emails),
            "phones": bool(phones),
            "addresses": bool(addresses),
            "tags": bool(tags),
        },
    )
    fields.setdefault("owner", actor)
    fields["email"] = next((e.email for e in emails if e.is_primary), "")
    fields["phone"] = next((p.number for p in phones if p.is_primary), "")
    return _Item(index, fields, emails, phones, addresses, list(tags.values()))


def _suppressed(items: list[_Item], results: list[Any]) -> list[_Item]:
    """Refuse the items with an email or phone of an erased person (one query)."""
    from sambandh.privacy.selectors import suppressed_among

    hit = suppressed_among(
        emails={e.email for i in items for e in i.emails},
        phones={p.number for i in items for p in i.phones},
    )
    if not hit:
        return items
    kept = []
    for item in items:
        fields = {}
        for n, e in enumerate(item.emails):
            if e.email in hit:
                fields[f"emails.{n}.email"] = _(
                    "This email belongs to a person who was erased; it cannot be added again."
                )
        for n, p in enumerate(item.phones):
            if p.number in hit:
                fields[f"phones.{n}.number"] = _(
                    "This phone belongs to a person who was erased; it cannot be added again."
                )
        if fields:
            results[item.index] = ValidationFailed(fields=fields)
        else:
            kept.append(item)
    return kept


def _write(actor: User, items: list[_Item]) -> None:
    tags: dict[str, Tag] = {}
    wanted = {t for item in items for t in item.tags}
    if wanted:
        tags = {t.name.casefold(): t for t in tags_resolve(sorted(wanted))}
    people = []
    for item in items:
        own_tags = [tags[t.casefold()] for t in item.tags if t.casefold() in tags]
        item.person = Person(
            **item.fields,
            contact_card=card_with(
                None, emails=item.emails, phones=item.phones, addresses=item.addresses
            ),
            tag_names=tag_names_of(own_tags),
        )
        item.own_tags = own_tags  # type: ignore[attr-defined]
        people.append(item.person)
    insert_many(Person, people, ids=True)
    # The contact points, tag links and affiliations are only written, never read back: rows
    # of values, not objects (core/copy_insert.py, insert_rows).
    emails, phones, addresses, links, affiliations = [], [], [], [], []
    for item in items:
        person = item.person
        assert person is not None and person.pk is not None
        pk = person.pk
        emails += [(pk, e.email, e.label, e.is_primary) for e in item.emails]
        phones += [(pk, p.number, p.label, p.is_primary) for p in item.phones]
        addresses += [
            (
                pk,
                a.street,
                a.city,
                a.region,
                a.postal_code,
                a.country,
                a.label,
                a.is_primary,
            )
            for a in item.addresses
        ]
        links += [(pk, t.pk) for t in item.own_tags]  # type: ignore[attr-defined]
        if person.organization_id:
            affiliations.append(
                (pk, person.organization_id, person.job_title, True, person.created_at.date())
            )
    insert_rows(EmailAddress, ("person_id", "email", "label", "is_primary"), emails)
    insert_rows(PhoneNumber, ("person_id", "e164", "label", "is_primary"), phones)
    insert_rows(
        PostalAddress,
        (
            "person_id",
            "street",
            "city",
            "region",
            "postal_code",
            "country",
            "label",
            "is_primary",
        ),
        addresses,
    )
    insert_rows(Person.tags.through, ("person_id", "tag_id"), links)
    insert_rows(
        Affiliation,
        ("person_id", "organization_id", "title", "is_primary", "started_on"),
        affiliations,
    )
    audit_records(
        actor=actor,
        action="create",
        record_type="person",
        rows=[
            (i.person.pk, {k: v for k, v in i.fields.items() if v}, i.person.full_name)  # type: ignore[union-attr]
            for i in items
        ],
    )
    by_owner: dict[int, list[int]] = defaultdict(list)
    for item in items:
        assert item.person is not None
        by_owner[item.person.owner_id].append(item.person.pk)
    for owner_id, ids in by_owner.items():
        records_assigned(actor=actor, record_type="person", ids=ids, user_id=owner_id)
    search_rows_insert(_document(item) for item in items)


def _document(item: _Item) -> Any:
    person = item.person
    assert person is not None
    organization = item.fields.get("organization")
    return search_document_row(
        record_type="person",
        record_id=person.pk,
        owner_id=person.owner_id,
        title=person.full_name,
        words=[person.full_name, person.given_name, person.family_name],
        fields=[
            *person_search_fields(
                job_title=person.job_title,
                organization=(person.organization_id, organization.name if organization else ""),
                email=person.email,
                email_words=[w for e in item.emails for w in email_words(e.email)],
                phone_words=[w for p in item.phones for w in phone_digit_forms(p.number)],
            ),
            *custom_search_fields("person", person.custom),
        ],
    )


def _organizations(actor: User, items: Sequence[PersonIn]) -> dict[int, Organization]:
    """The organizations the items name that the actor may see, by id (one query)."""
    wanted = {
        d.organization_id for d in items if isinstance(d.organization_id, int) and d.organization_id
    }
    if not wanted:
        return {}
    found = Organization.objects.filter(visible_q(actor, "organization"), pk__in=wanted)
    return {o.pk: o for o in found}


@transaction.atomic
def people_create_many(*, actor: User, items: Sequence[PersonIn]) -> list[Person | ServiceError]:
    """A new person for each of ``items`` (as ``person_create`` makes one); answers, item by
    item, the person or why it was refused."""
    policy.ensure_can_write(actor)
    results: list[Any] = [None] * len(items)
    checked: list[_Item] = []
    organizations = _organizations(actor, items)
    for index, data in enumerate(items):
        try:
            checked.append(_check(actor, index, data, organizations))
        except ServiceError as exc:
            results[index] = exc
    checked = _suppressed(checked, results)
    if checked:
        _write(actor, checked)
    for item in checked:
        results[item.index] = item.person
    return results
