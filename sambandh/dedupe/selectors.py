"""Reads of the duplicate review queue, as the viewer may see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from sambandh.accounts import policy
from sambandh.accounts.visibility import visible_q
from sambandh.contacts.models import Organization, Person
from sambandh.dedupe.models import DuplicatePair

COMPARISON_LABELS = {
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "birth_date": _("Date of birth"),
    "email": _("Email"),
    "phone": _("Phone"),
    "city": _("City"),
    "postcode": _("Postal code"),
    "street": _("Street"),
    "organization": _("Organization"),
    "name": _("Name"),
    "domain": _("Domain"),
    "linked": _("Linked"),
}
LEVEL_LABELS = {
    "exact": _("same"),
    "variant": _("a variant (nickname, spelling, script)"),
    "typo": _("a typo apart"),
    "phonetic": _("sounds alike"),
    "close": _("close"),
    "swapped": _("day and month swapped or a digit off"),
    "year_month": _("same year and month"),
    "month": _("within a month"),
    "year": _("within a year"),
    "local_part": _("same name before @"),
    "last_digits": _("same last digits"),
    "area": _("same area"),
    "house_number": _("same house number"),
    "contained": _("one name within the other"),
    "alike": _("alike"),
    "other_house": _("another house number"),
    "house_typo": _("house number a typo apart"),
    "chain": _("through records that match both"),
    "different": _("different"),
}
MODELS: dict[str, Any] = {"person": Person, "organization": Organization}


def reason_text(code: str) -> str:
    key, _sep, level = code.lstrip("-").partition(":")
    return f"{COMPARISON_LABELS.get(key, key)}: {LEVEL_LABELS.get(level, level)}"


@dataclass
class ReviewRow:
    pair: DuplicatePair
    record_a: Any
    record_b: Any
    #: What spoke for the match, then what spoke against it (the scan's "-" codes).
    reasons: list[str]
    against: list[str]


def review_queue(*, viewer: Any, record_type: str, limit: int = 100) -> list[ReviewRow]:
    """The open pairs of ``record_type``, highest score first, whose two records the viewer
    may both see (a pair with a hidden record is left out whole: neither its name nor its id is
    shown)."""
    policy.ensure_can_review_duplicates(viewer)
    model = MODELS[record_type]
    rows: list[ReviewRow] = []
    pairs = DuplicatePair.objects.filter(
        record_type=record_type, status=DuplicatePair.Status.OPEN
    ).order_by("-score", "id")
    start = 0
    while len(rows) < limit:
        chunk = list(pairs[start : start + limit * 2])
        if not chunk:
            break
        start += len(chunk)
        ids = {p.record_a_id for p in chunk} | {p.record_b_id for p in chunk}
        seen = {r.pk: r for r in model.objects.filter(visible_q(viewer, record_type), pk__in=ids)}
        for pair in chunk:
            a, b = seen.get(pair.record_a_id), seen.get(pair.record_b_id)
            if a is not None and b is not None:
                codes = pair.reasons or []
                rows.append(
                    ReviewRow(
                        pair,
                        a,
                        b,
                        [reason_text(c) for c in codes if not c.startswith("-")],
                        [reason_text(c) for c in codes if c.startswith("-")],
                    )
                )
                if len(rows) >= limit:
                    break
    return rows


def open_pair_count(*, record_type: str) -> int:
    return DuplicatePair.objects.filter(
        record_type=record_type, status=DuplicatePair.Status.OPEN
    ).count()
