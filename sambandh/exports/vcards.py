"""People as vCard 3.0 (RFC 2426), one card per person, written by vobject (which escapes and
folds the lines), from the same plan as the CSV: only the people the viewer may see, and no
property of a field hidden from them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sambandh.accounts import policy
from sambandh.exports.selectors import ExportPlan, batches


def _card(person: Any, shows: Any) -> str:
    import vobject

    card = vobject.vCard()
    card.add("version").value = "3.0"
    card.add("uid").value = f"sambandh-person-{person.pk}"
    card.add("fn").value = person.full_name
    card.add("n").value = vobject.vcard.Name(
        family=person.family_name or "",
        given=person.given_name or ("" if person.family_name else person.full_name),
        prefix=person.honorific or "",
    )
    contact = person.contact_card or {}
    if shows("job_title") and person.job_title:
        card.add("title").value = person.job_title
    organization = getattr(person, "shown_organization", None)
    if shows("organization") and organization is not None:
        card.add("org").value = [organization.name]
    if shows("emails"):
        for entry in contact.get("emails", []):
            prop = card.add("email")
            prop.value = entry["email"]
            prop.type_paramlist = ["INTERNET", *(["PREF"] if entry.get("is_primary") else [])]
    if shows("phones"):
        for entry in contact.get("phones", []):
            prop = card.add("tel")
            prop.value = entry["number"]
            prop.type_paramlist = ["VOICE", *(["PREF"] if entry.get("is_primary") else [])]
    if shows("addresses"):
        for entry in contact.get("addresses", []):
            card.add("adr").value = vobject.vcard.Address(
                street=entry.get("street") or "",
                city=entry.get("city") or "",
                region=entry.get("region") or "",
                code=entry.get("postal_code") or "",
                country=entry.get("country") or "",
            )
    if shows("birth_date") and person.birth_date:
        card.add("bday").value = person.birth_date.isoformat()
    if shows("preferred_language") and person.preferred_language:
        card.add("lang").value = person.preferred_language
    if shows("description") and person.description:
        card.add("note").value = person.description
    if shows("tags") and person.tag_names:
        card.add("categories").value = list(person.tag_names)
    card.add("rev").value = person.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(card.serialize())


def vcard_pieces(plan: ExportPlan, counter: list[int]) -> Iterator[bytes]:
    """The cards, a batch at a time; ``counter[0]`` counts the people written."""
    access = policy.field_access(plan.viewer, "person")
    for batch in batches(plan):
        if plan.layout.prepare is not None:
            plan.layout.prepare(plan.viewer, batch)
        yield "".join(_card(p, access.shows) for p in batch).encode()
        counter[0] += len(batch)
