"""A record folded once for matching: every comparison and blocking key reads these fields."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from sambandh.dedupe.engine import normalize as n


@dataclass(slots=True)
class MatchRecord:
    id: int
    external_id: str = ""
    given: str = ""  # folded first given name
    given_canon: str = ""  # its nickname-canonical form
    family: str = ""  # folded family name
    full: str = ""  # folded full name (or an organization's name key)
    name_sound: tuple[str, ...] = ()  # sound keys of the name's words
    email: str = ""
    email_local: str = ""
    phones: frozenset[str] = frozenset()
    birth: datetime.date | None = None
    city: str = ""
    postcode: str = ""
    house: str = ""
    street: str = ""
    org: str = ""
    domain: str = ""
    emails: frozenset[str] = field(default_factory=frozenset)
    birth_day: int = 0  # the date of birth's ordinal (0: none), for "within a month/year"
    birth_text: str = ""  # the date of birth as YYYYMMDD, for "a digit off"


def person_record(
    *,
    id: int,
    given_name: str = "",
    family_name: str = "",
    full_name: str = "",
    emails: list[str] | tuple[str, ...] = (),
    phones: list[str] | tuple[str, ...] = (),
    birth_date: datetime.date | None = None,
    street: str = "",
    city: str = "",
    postal_code: str = "",
    organization: str = "",
    external_id: str = "",
) -> MatchRecord:
    given, canon = n.given_forms(n.fold(given_name))
    family = n.fold(family_name)
    full = n.fold(full_name) or " ".join(x for x in (given, family) if x)
    if not given and not family and full:
        # A name kept whole: its first word as the given name, its last as the family name.
        words = full.split()
        given, canon = n.given_forms(words[0])
        family = words[-1] if len(words) > 1 else ""
    keys = [n.email_key(e) for e in emails if e]
    house, street_words = n.street_key(street)
    return MatchRecord(
        id=id,
        external_id=external_id,
        given=given,
        given_canon=canon,
        family=family,
        full=full,
        name_sound=tuple(n.sound_key(w) for w in full.split()),
        email=keys[0][0] if keys else "",
        email_local=keys[0][1] if keys else "",
        emails=frozenset(k[0] for k in keys),
        phones=frozenset(p for p in (n.phone_key(x) for x in phones) if p),
        birth=birth_date,
        birth_day=birth_date.toordinal() if birth_date else 0,
        birth_text=birth_date.strftime("%Y%m%d") if birth_date else "",
        city=n.fold(city),
        postcode=n.postcode_key(postal_code),
        house=house,
        street=street_words,
        org=n.org_name_key(organization),
    )


def organization_record(
    *,
    id: int,
    name: str,
    domain: str = "",
    website: str = "",
    emails: list[str] | tuple[str, ...] = (),
    phones: list[str] | tuple[str, ...] = (),
    street: str = "",
    city: str = "",
    postal_code: str = "",
    external_id: str = "",
) -> MatchRecord:
    key = n.org_name_key(name)
    house, street_words = n.street_key(street)
    keys = [n.email_key(e) for e in emails if e]
    return MatchRecord(
        id=id,
        external_id=external_id,
        full=key,
        name_sound=tuple(n.sound_key(w) for w in key.split()),
        email=keys[0][0] if keys else "",
        email_local=keys[0][1] if keys else "",
        emails=frozenset(k[0] for k in keys),
        phones=frozenset(p for p in (n.phone_key(x) for x in phones) if p),
        city=n.fold(city),
        postcode=n.postcode_key(postal_code),
        house=house,
        street=street_words,
        domain=n.domain_key(domain, website),
    )
