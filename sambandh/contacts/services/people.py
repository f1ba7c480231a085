"""Writes for people and their affiliations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.accounts.visibility import visible_q
from sambandh.contacts.cards import (
    card_with,
    tag_names_of,
)
from sambandh.contacts.models import (
    Affiliation,
    EmailAddress,
    Organization,
    Person,
    PhoneNumber,
)
from sambandh.contacts.residency import clean_residency
from sambandh.contacts.schemas import PersonIn
from sambandh.contacts.services.points import (
    _clean_addresses,
    _clean_emails,
    _clean_phones,
    _list_changes,
    _replace_contact_points,
    contact_point_changes,
    phone_region,
    tags_resolve,
)
from sambandh.core.audit import audit_record, diff_fields, record_assigned
from sambandh.core.cleaning import (
    clean_country,
    clean_currency,
    clean_language,
    clean_long_text,
    clean_person_names,
    clean_text,
    clean_time_zone,
    phone_digit_forms,
)
from sambandh.core.errors import NotFound
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

# --- people ----------------------------------------------------------------------
#: Languages and countries that write the family name first when a name is written in full.
FAMILY_FIRST_LANGUAGES = frozenset({"ja", "zh", "ko", "hu", "vi"})
FAMILY_FIRST_COUNTRIES = frozenset({"JP", "CN", "TW", "HK", "MO", "KR", "KP", "HU", "VN"})
_CJK = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+$")


def name_order_family_first(*, language: str, country: str) -> bool:
    """Whether the person's culture writes the family name first: their preferred language
    says it, else their country."""
    base = (language or "").split("-")[0].lower()
    if base:
        return base in FAMILY_FIRST_LANGUAGES
    return (country or "").upper() in FAMILY_FIRST_COUNTRIES


def _compose_name(given: str, family: str, *, language: str = "", country: str = "") -> str:
    """The name in full from its parts, in the person's cultural order: "Asha Rao", "山田 太郎",
    "王伟" (Chinese and Korean names in their script take no space), "Nagy Béla"."""
    parts = [given, family]
    if name_order_family_first(language=language, country=country):
        parts.reverse()
    parts = [x for x in parts if x]
    no_space = (language or "").split("-")[0].lower() in ("zh", "ko") or (
        not language and (country or "").upper() in ("CN", "TW", "HK", "MO", "KR", "KP")
    )
    if len(parts) == 2 and no_space and all(_CJK.match(x) for x in parts):
        return "".join(parts)
    return " ".join(parts)


#: The fields of PersonIn cleaned apart from the scalar ones (and PersonPatch's version).
_LISTS = ("emails", "phones", "addresses", "tags", "owner_id", "version")


def _clean_person(
    inp: PersonIn,
    actor: User,
    errors: FieldErrors,
    instance: Person | None,
    organizations: Mapping[int, Organization] | None = None,
) -> dict[str, Any]:
    """The person's fields, cleaned. ``organizations``: those the actor may see, by id, when the
    caller looked a batch's up at once (people_batch.py); otherwise each is looked up here."""
    data = inp.given(exclude=_LISTS)
    out: dict[str, Any] = {}
    # The parts of the name are cased together: "ASHA" with "RAO" becomes "Asha Rao", "ASHA"
    # with "Rao" stays as typed (core/names.py).
    sent_names: dict[str, str | None] = {
        k: data[k] for k in ("given_name", "family_name", "full_name") if k in data
    }
    data.update(clean_person_names(sent_names))
    for name, max_length in (
        ("honorific", 40),
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
            language = data.get("preferred_language") or (
                instance.preferred_language if instance else ""
            )
            country = data.get("country") or (instance.country if instance else "")
            full = _compose_name(given, family, language=language or "", country=country or "")
        if full:
            out["full_name"] = full
        elif instance is None or "full_name" in data:
            errors.add("full_name", _("Enter a name: a full name, or a given or family name."))
    if "description" in data:
        out["description"] = errors.run(clean_long_text, data["description"], field="description")
    if "residency" in data:
        out["residency"] = errors.run(clean_residency, data["residency"]) or ""
    if "birth_date" in data:
        out["birth_date"] = data["birth_date"]
        if data["birth_date"] is not None and data["birth_date"] > timezone.localdate():
            errors.add("birth_date", _("A date of birth cannot be in the future."))
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
    if "custom" in data or instance is None:
        out["custom"] = errors.run(
            custom_values_clean,
            actor=actor,
            record_type="person",
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
            if organizations is not None:
                org = organizations.get(org_id)
            else:
                org = Organization.objects.filter(
                    visible_q(actor, "organization"), pk=org_id
                ).first()
            if org is None:
                errors.add("organization_id", _("No such organization."))
        out["organization"] = org
    return out


def _refuse_suppressed(
    emails: Sequence[Any],
    phones: Sequence[Any],
    errors: FieldErrors,
    keep: Set[str] = frozenset(),
) -> None:
    """Refuse an email or phone on the suppression list (an erased person's: never added
    again, by hand, the API or an import; sambandh/privacy). The person already holding it
    (``keep``) is left alone."""
    from sambandh.privacy.selectors import is_suppressed

    for i, e in enumerate(emails):
        if e.email not in keep and is_suppressed(email=e.email):
            errors.add(
                f"emails.{i}.email",
                _("This email belongs to a person who was erased; it cannot be added again."),
            )
    for i, p in enumerate(phones):
        if p.number not in keep and is_suppressed(phone=p.number):
            errors.add(
                f"phones.{i}.number",
                _("This phone belongs to a person who was erased; it cannot be added again."),
            )


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
        fields=[
            *person_search_fields(
                job_title=person.job_title,
                organization=(person.organization_id, org_name),
                email=person.email,
                email_words=[w for e in emails for w in email_words(e)],
                phone_words=[w for p in phones for w in phone_digit_forms(p)],
            ),
            *custom_search_fields("person", person.custom),
        ],
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
def person_create(*, actor: User, data: PersonIn) -> Person:
    """A new person from ``data`` (the API's body or the form's input); what was not sent is
    left empty, and the actor owns it unless ``owner_id`` names another user."""
    policy.ensure_can_write(actor)
    errors = FieldErrors()
    fields = _clean_person(data, actor, errors, None)
    clean_emails = _clean_emails(sent_list(data.emails) or [], errors)
    clean_addresses = _clean_addresses(sent_list(data.addresses) or [], errors)
    region = phone_region(
        country=fields.get("country") or "",
        addresses=clean_addresses,
        organization=fields.get("organization"),
        owner=fields.get("owner") or actor,
    )
    clean_phones = _clean_phones(sent_list(data.phones) or [], region, errors)
    _refuse_suppressed(clean_emails, clean_phones, errors)
    tag_objs = errors.run(tags_resolve, sent_list(data.tags) or []) or []
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
    record_assigned(actor=actor, record_type="person", record_id=person.pk, user_id=person.owner_id)
    person_reindex(person)
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, data: PersonIn, version: int | None) -> Person:
    """Change the fields ``data`` sent (a list sent replaces the whole list; ``None`` empties
    it); ``version`` is the one the writer read (None: no check)."""
    policy.ensure_can_write(actor)
    person = lock_for_update(person, version)
    errors = FieldErrors()
    fields = _clean_person(data, actor, errors, person)
    emails, phones = sent_list(data.emails), sent_list(data.phones)
    addresses, tags = sent_list(data.addresses), sent_list(data.tags)
    clean_emails = None if emails is None else _clean_emails(emails, errors)
    clean_addresses = None if addresses is None else _clean_addresses(addresses, errors)
    clean_phones = None
    if phones is not None:
        region = phone_region(
            country=fields.get("country", person.country) or "",
            addresses=clean_addresses,
            stored_addresses=person.addresses.all(),
            organization=fields.get("organization", person.organization),
            owner=fields.get("owner") or person.owner,
        )
        clean_phones = _clean_phones(phones, region, errors)
    _refuse_suppressed(
        clean_emails or [],
        clean_phones or [],
        errors,
        keep=set(person.emails.values_list("email", flat=True))
        | set(person.phones.values_list("e164", flat=True)),
    )
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
    changes.update(
        contact_point_changes(
            person.contact_card, emails=clean_emails, phones=clean_phones, addresses=clean_addresses
        )
    )
    _replace_contact_points({"person": person}, clean_emails, clean_phones, clean_addresses)
    person.contact_card = card_with(
        person.contact_card, emails=clean_emails, phones=clean_phones, addresses=clean_addresses
    )
    if tag_objs is not None:
        tags_before = sorted(person.tags.values_list("name", flat=True))
        person.tags.set(tag_objs)
        person.tag_names = tag_names_of(tag_objs)
        changes["tags"] = [tags_before, [t.name for t in tag_objs]]
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
    if "owner" in changes:
        record_assigned(
            actor=actor, record_type="person", record_id=person.pk, user_id=person.owner_id
        )
    person_reindex(person)
    return person


@transaction.atomic
def people_reassign(
    *,
    actor: User,
    ids: Sequence[int],
    owner: User,
    expected: Mapping[int, int] | None = None,
) -> tuple[list[Reassigned], set[int]]:
    """Hand the people ``ids`` to ``owner`` (bulk assign, and its undo): each is its own write,
    with a new version, an audit row and an event, as ``person_update`` would make it, but the
    whole batch takes a few statements. The caller has checked that the actor may change each
    person; the owner must be active, and a role that may not change owners is refused (403).
    ``expected``: the version each must still have. See core.records.reassign_rows."""
    policy.ensure_can_write(actor)
    owner = policy.owner_for_write(actor, owner)
    policy.guard_changes(actor, "person", ["owner"])
    changed, moved_on = reassign_rows(
        Person,
        record_type="person",
        actor=actor,
        owner=owner,
        ids=ids,
        expected=expected,
        summary_field="full_name",
    )
    # Nothing else a person keeps names the owner: the search document is all there is.
    search_documents_reown(
        record_type="person", record_ids=[c.record_id for c in changed], owner_id=owner.pk
    )
    return changed, moved_on


@transaction.atomic
def person_delete(*, actor: User, person: Person, version: int | None = None) -> None:
    policy.ensure_can_write(actor)
    person = lock_for_update(person, version)
    pk, name = person.pk, person.full_name
    bin_record(actor=actor, record_type="person", record=person, summary=name)
    person.delete()
    audit_record(actor=actor, action="delete", record_type="person", record_id=pk, summary=name)
    search_document_delete(record_type="person", record_id=pk)


def require_found(obj: Any) -> Any:
    if obj is None:
        raise NotFound()
    return obj
