"""Duplicate candidates for a record being created: the existing people (or organizations, or
leads) the values being typed probably describe, found while the form is filled in and by the
API's ``check_duplicates``. A lead's candidates are the leads and the people it probably is
("this lead is already a contact"; dedupe/candidates_leads.py).

A few indexed lookups find the candidates: the email address (exact, normalized), the phone
number (exact, E.164), the organization's web domain (exact), and the name through the search
index (its title-prefix B-tree and its full-text index, see sambandh/search/selectors.py).
Only records the viewer may see are read (the access policy's visible queryset): a hidden
record is never named, counted or scored. The few candidates are then scored with the
duplicate engine's pair model (sambandh/dedupe/engine), the same comparisons the batch scan
uses, with its default weights (a single pair gives nothing to estimate them from).

A field hidden from the viewer (the field policy) is neither looked up nor compared: it cannot
raise a score, so no score, reason or shown detail reveals it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sambandh.accounts import policy
from sambandh.accounts.regions import user_region
from sambandh.contacts.models import EmailAddress, PhoneNumber, PostalAddress
from sambandh.contacts.selectors import organizations_visible, people_visible
from sambandh.core import registry
from sambandh.core.cleaning import clean_domain, clean_email, clean_phone, clean_text
from sambandh.core.countries import country_code
from sambandh.core.errors import ValidationFailed
from sambandh.dedupe.engine.compare import COMPARISONS
from sambandh.dedupe.engine.model import Model
from sambandh.dedupe.engine.records import MatchRecord, organization_record, person_record
from sambandh.dedupe.engine.scan import THRESHOLD
from sambandh.dedupe.selectors import reason_text
from sambandh.search.selectors import search

#: Candidates shown at most.
LIMIT = 5
#: Below this match probability a candidate is not worth showing while typing.
SHOW_THRESHOLD = 0.5
#: Records read by each lookup at most (a shared office phone, a common name).
PER_LOOKUP = 10
#: The record types that take candidates, and the engine's name for their kind (a lead is
#: compared as a person).
KINDS = {"person": "people", "organization": "organizations", "lead": "people"}
#: What may be typed, at most, per value (the form and the API refuse longer input anyway).
MAX_VALUE = 300
MAX_ITEMS = 5
#: The engine's comparisons of the name alone: a name, however rare, never refuses a create.
NAME_COMPARISONS = frozenset({"given_name", "family_name", "name"})


@dataclass(frozen=True)
class Candidate:
    record_type: str
    id: int
    name: str
    #: What tells the candidate apart for the viewer: its email, else its domain (only a field
    #: the viewer may see).
    detail: str
    score: float
    #: Translated, strongest first ("Email: same").
    reasons: list[str]
    url: str
    #: The engine's codes of the same reasons ("email:exact").
    codes: tuple[str, ...] = ()
    #: The record type being created, when it is not the candidate's (a person found for a
    #: lead: "already a contact").
    created_type: str = ""

    @property
    def beyond_the_name(self) -> bool:
        """Whether something besides the name speaks for the match (an email, a phone, a date of
        birth, a domain, an address...)."""
        return any(code.split(":", 1)[0] not in NAME_COMPARISONS for code in self.codes)

    def as_json(self) -> dict[str, Any]:
        return {
            "type": self.record_type,
            "id": self.id,
            "name": self.name,
            "score": round(self.score, 4),
            "reasons": self.reasons,
        }


@cache
def _model(kind: str) -> Model:
    return Model(COMPARISONS[kind])


def _texts(values: Mapping[str, Any], single: str, plural: str) -> list[str]:
    """The values typed for a contact point: ``single`` (one string) and ``plural`` (a list of
    strings or of {"email": ...} / {"number": ...} objects)."""
    found: list[Any] = [values.get(single)]
    many = values.get(plural)
    if isinstance(many, list | tuple):
        found.extend(many[:MAX_ITEMS])
    out = []
    for item in found:
        if isinstance(item, Mapping):
            item = item.get("email") or item.get("number") or ""
        if isinstance(item, str) and item.strip():
            out.append(item.strip()[:MAX_VALUE])
    return out


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    if not isinstance(value, str):
        return ""
    try:
        return clean_text(value[:MAX_VALUE], field=name, max_length=MAX_VALUE)
    except ValidationFailed:
        return ""


def _cleaned(values: Iterable[str], cleaner: Any, **kwargs: Any) -> list[str]:
    out: list[str] = []
    for value in values:
        try:
            cleaned = cleaner(value, **kwargs)
        except ValidationFailed:
            continue  # not yet a whole address or number: nothing to look up by it
        if cleaned and cleaned not in out:
            out.append(cleaned)
    return out


def name_hits(viewer: Any, record_type: str, name: str) -> list[int]:
    if len(name) < 3:
        return []
    hits = search(viewer=viewer, q=name, types=[record_type], limit=PER_LOOKUP)
    return [h.record_id for h in hits if h.record_type == record_type]


def _birth(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def candidates_for(
    *,
    viewer: Any,
    record_type: str,
    values: Mapping[str, Any],
    limit: int = LIMIT,
    min_score: float = SHOW_THRESHOLD,
) -> list[Candidate]:
    """The records that the viewer may see and that probably are the one ``values`` describe,
    best first, at most ``limit``: people for a person, organizations for an organization,
    leads and people for a lead.

    ``values`` are as typed, in the API's names: for a person ``full_name``, ``given_name``,
    ``family_name``, ``email``/``emails``, ``phone``/``phones``, ``country``, ``birth_date``,
    ``city``, ``postal_code``; for an organization ``name``, ``domain``, ``website``,
    ``email``/``emails``, ``phone``/``phones``, ``country``, ``city``, ``postal_code``; for a
    lead ``full_name``, ``email``, ``phone``, ``company``, ``country``. A value that is not
    (yet) valid is left out, never refused."""
    if record_type not in KINDS:
        raise ValueError(record_type)
    if record_type == "lead":
        # Imported here: candidates_leads builds on this module's lookups.
        from sambandh.dedupe.candidates_leads import lead_matches

        typed, found = lead_matches(viewer, values)
    else:
        typed, found = _matches(viewer, record_type, values)
    model = _model(KINDS[record_type])
    weights = model.weights()
    scored: list[Candidate] = []
    for found_type, record, shown_name, detail in found:
        pattern = model.pattern(typed, record)
        probability = model.probability(pattern, weights)
        if probability < min_score:
            continue
        codes = model.reasons(pattern, weights)
        scored.append(
            Candidate(
                record_type=found_type,
                id=record.id,
                name=shown_name,
                detail=detail,
                score=probability,
                reasons=[reason_text(code) for code in codes],
                url=registry.get(found_type).url(record.id),
                codes=tuple(codes),
                created_type=record_type if found_type != record_type else "",
            )
        )
    scored.sort(key=lambda c: (-c.score, c.name, c.record_type, c.id))
    return scored[:limit]


#: A record found: its type, its engine record, its name and the detail shown beside it.
Found = tuple[str, MatchRecord, str, str]


def typed_contact_points(
    viewer: Any, values: Mapping[str, Any], *, emails_shown: bool, phones_shown: bool
) -> tuple[list[str], list[str]]:
    """The typed emails and phones, cleaned (a national number read in the typed country,
    else the viewer's region); a contact point hidden from the viewer is left out."""
    country = country_code(_text(values, "country")) or user_region(viewer)
    emails = _cleaned(_texts(values, "email", "emails"), clean_email) if emails_shown else []
    phones = (
        _cleaned(_texts(values, "phone", "phones"), clean_phone, region=country or None)
        if phones_shown
        else []
    )
    return emails, phones


def _matches(
    viewer: Any, record_type: str, values: Mapping[str, Any]
) -> tuple[MatchRecord, list[Found]]:
    access = policy.field_access(viewer, record_type)
    emails, phones = typed_contact_points(
        viewer,
        values,
        emails_shown=access.shows("emails"),
        phones_shown=access.shows("phones"),
    )
    address = access.shows("addresses")
    city = _text(values, "city") if address else ""
    postal_code = _text(values, "postal_code") if address else ""
    if record_type == "person":
        given, family = _text(values, "given_name"), _text(values, "family_name")
        name = _text(values, "full_name") or " ".join(x for x in (given, family) if x)
        typed = person_record(
            id=0,
            given_name=given,
            family_name=family,
            full_name=name,
            emails=emails,
            phones=phones,
            birth_date=_birth(values.get("birth_date")),
            city=city,
            postal_code=postal_code,
        )
        found = people_found(viewer, name=name, emails=emails, phones=phones)
        return typed, found
    name = _text(values, "name")
    domain = ""
    if access.shows("domain"):
        domain = next(iter(_cleaned([_text(values, "domain")], clean_domain)), "")
    if not domain and access.shows("website"):
        domain = next(iter(_cleaned([_text(values, "website")], clean_domain)), "")
    typed = organization_record(
        id=0,
        name=name,
        domain=domain,
        emails=emails,
        phones=phones,
        city=city,
        postal_code=postal_code,
    )
    orgs = _organizations(viewer, access, name=name, domain=domain, emails=emails, phones=phones)
    return typed, [("organization", *row) for row in orgs]


def duplicates_above_threshold(
    *, viewer: Any, record_type: str, values: Mapping[str, Any]
) -> list[Candidate]:
    """The candidates at or above the engine's match threshold for which something besides the
    name agrees (what makes the API refuse a create sent with ``check_duplicates``): two people
    called Asha Rao with nothing else in common are shown while typing, never refused, as a
    CRM's duplicate rule matches a name only together with an email, a phone or the like."""
    found = candidates_for(
        viewer=viewer, record_type=record_type, values=values, min_score=THRESHOLD
    )
    return [candidate for candidate in found if candidate.beyond_the_name]


def people_found(viewer: Any, *, name: str, emails: list[str], phones: list[str]) -> list[Found]:
    """The people the viewer may see with one of these (cleaned) emails or phones, or a name
    like ``name``; only the fields the viewer may see of a person are read into the record (a
    hidden one neither matches nor shows), nor looked up by."""
    access = policy.field_access(viewer, "person")
    if not access.shows("emails"):
        emails = []
    if not access.shows("phones"):
        phones = []
    # Each lookup is driven by its own index (email, E.164), joined to what the viewer may
    # see, so the few records read are ones they may see.
    visible = people_visible(viewer).order_by()
    ids: list[int] = []
    if emails:
        ids += visible.filter(emails__email__in=emails).values_list("id", flat=True)[:PER_LOOKUP]
    if phones:
        ids += visible.filter(phones__e164__in=phones).values_list("id", flat=True)[:PER_LOOKUP]
    ids += name_hits(viewer, "person", name)
    if not ids:
        return []
    shows_org = access.shows("organization")
    rows = (
        people_visible(viewer)
        .filter(pk__in=set(ids))
        .order_by()
        .values_list(
            "id",
            "full_name",
            "given_name",
            "family_name",
            "birth_date",
            "email",
            "contact_card",
            "organization__name",
        )
    )
    out: list[Found] = []
    for pk, full, given, family, birth, email, card, org_name in rows:
        card = card or {}
        address: dict[str, Any] = (
            next(iter(card.get("addresses") or []), {}) if access.shows("addresses") else {}
        )
        record = person_record(
            id=pk,
            given_name=given,
            family_name=family,
            full_name=full,
            emails=[e.get("email", "") for e in card.get("emails") or []]
            if access.shows("emails")
            else [],
            phones=[p.get("number", "") for p in card.get("phones") or []]
            if access.shows("phones")
            else [],
            birth_date=birth,
            street=address.get("street", ""),
            city=address.get("city", ""),
            postal_code=address.get("postal_code", ""),
            organization=(org_name or "") if shows_org else "",
        )
        out.append(("person", record, full, email if access.shows("emails") else ""))
    return out


def _organizations(
    viewer: Any,
    access: policy.FieldAccess,
    *,
    name: str,
    domain: str,
    emails: list[str],
    phones: list[str],
) -> list[tuple[MatchRecord, str, str]]:
    visible = organizations_visible(viewer).order_by()
    ids: list[int] = []
    if domain:
        ids += visible.filter(domain=domain).values_list("id", flat=True)[:PER_LOOKUP]
    if emails:
        ids += visible.filter(emails__email__in=emails).values_list("id", flat=True)[:PER_LOOKUP]
    if phones:
        ids += visible.filter(phones__e164__in=phones).values_list("id", flat=True)[:PER_LOOKUP]
    ids += name_hits(viewer, "organization", name)
    if not ids:
        return []
    rows = list(
        organizations_visible(viewer)
        .filter(pk__in=set(ids))
        .order_by()
        .values_list("id", "name", "domain", "website")
    )
    seen = [r[0] for r in rows]
    emails_of: dict[int, list[str]] = {}
    phones_of: dict[int, list[str]] = {}
    address_of: dict[int, tuple[str, str, str]] = {}
    if access.shows("emails"):
        for oid, email in EmailAddress.objects.filter(organization_id__in=seen).values_list(
            "organization_id", "email"
        ):
            emails_of.setdefault(oid, []).append(email)
    if access.shows("phones"):
        for oid, number in PhoneNumber.objects.filter(organization_id__in=seen).values_list(
            "organization_id", "e164"
        ):
            phones_of.setdefault(oid, []).append(number)
    if access.shows("addresses"):
        for oid, street, city, code in (
            PostalAddress.objects.filter(organization_id__in=seen)
            .order_by("-is_primary", "id")
            .values_list("organization_id", "street", "city", "postal_code")
        ):
            address_of.setdefault(oid, (street, city, code))
    out = []
    for pk, org_name, org_domain, website in rows:
        street, city, code = address_of.get(pk, ("", "", ""))
        shown_domain = org_domain if access.shows("domain") else ""
        record = organization_record(
            id=pk,
            name=org_name,
            domain=shown_domain,
            website=website if access.shows("website") else "",
            emails=emails_of.get(pk, []),
            phones=phones_of.get(pk, []),
            street=street,
            city=city,
            postal_code=code,
        )
        out.append((record, org_name, shown_domain))
    return out
