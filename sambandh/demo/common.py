"""Pieces both demo sizes share: people's names and emails, valid phone numbers, company names,
and believable dates."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import phonenumbers

from sambandh.demo.data import AMOUNT_RANGES, COUNTRIES, CULTURES, Country, Culture

SEED = 20_26


@dataclass(frozen=True)
class Identity:
    given: str
    family: str
    full_name: str
    # Whether full_name must be passed to the services (names not written "given family").
    explicit_full_name: bool
    latin_given: str
    latin_family: str


def make_identity(rng: random.Random, culture: Culture) -> Identity:
    given, latin_given = rng.choice(culture.given)
    family, latin_family = rng.choice(culture.family)
    if culture.order == "family given":
        full, explicit = f"{family} {given}", True
    elif culture.order == "familygiven":
        full, explicit = f"{family}{given}", True
    else:
        full, explicit = f"{given} {family}", False
    return Identity(given, family, full, explicit, latin_given, latin_family)


def email_local(rng: random.Random, ident: Identity) -> str:
    g, f = ident.latin_given, ident.latin_family
    style = rng.random()
    if style < 0.55:
        return f"{g}.{f}"
    if style < 0.75:
        return f"{g[0]}{f}"
    if style < 0.9:
        return f"{g}{f}"
    return f"{g}_{f}"


def ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", folded.lower())


class PhoneBook:
    """Phone numbers valid for their country: the library's example number for the region with
    its last six digits varied (checked valid when ``check`` is set, else sampled once)."""

    VARIED = 6

    def __init__(self, *, check: bool = True) -> None:
        self.check = check
        self._bases: dict[tuple[str, bool], tuple[int, str]] = {}
        self._national_prefix: dict[tuple[str, bool], str] = {}

    def _base(self, region: str, mobile: bool) -> tuple[int, str]:
        key = (region, mobile)
        if key not in self._bases:
            kind = (
                phonenumbers.PhoneNumberType.MOBILE
                if mobile
                else phonenumbers.PhoneNumberType.FIXED_LINE
            )
            example = phonenumbers.example_number_for_type(region, kind)
            assert example is not None, region
            nsn = str(example.national_number)
            self._bases[key] = (int(example.country_code or 0), nsn[: -self.VARIED])
            national = re.sub(
                r"\D",
                "",
                phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL),
            )
            assert national.endswith(nsn), (region, national, nsn)
            self._national_prefix[key] = national[: -len(nsn)]
            if not self.check:
                for i in range(0, 10**self.VARIED, 10**self.VARIED // 50):
                    assert self._valid(self._compose(key, i)), (region, i)
        return self._bases[key]

    def _compose(self, key: tuple[str, bool], i: int) -> str:
        code, head = self._bases[key]
        return f"+{code}{head}{i % 10**self.VARIED:0{self.VARIED}d}"

    @staticmethod
    def _valid(e164: str) -> bool:
        return phonenumbers.is_valid_number(phonenumbers.parse(e164, None))

    def number(self, region: str, n: int, *, mobile: bool = True) -> str:
        """The ``n``-th number of the region, in E.164."""
        self._base(region, mobile)
        e164 = self._compose((region, mobile), n)
        if self.check and not self._valid(e164):
            raise ValueError(f"{e164} is not valid for {region}")
        return e164

    def digit_forms(self, region: str, e164: str, *, mobile: bool = True) -> list[str]:
        """What ``core.cleaning.phone_digit_forms`` returns for a number of ours, without parsing
        it again (the bulk loader makes millions): international, national significant, and
        national with its trunk prefix."""
        code, _head = self._base(region, mobile)
        nsn = e164[1 + len(str(code)) :]
        forms = [e164[1:], nsn, self._national_prefix[(region, mobile)] + nsn]
        return list(dict.fromkeys(f for f in forms if f))


def company_name(rng: random.Random, country: Country) -> tuple[str, str, str]:
    """(name, domain, industry) for a company in ``country``."""
    core, core_latin = rng.choice(country.company_cores)
    kind, kind_latin, industry = rng.choice(country.company_kinds)
    form = rng.choice(country.legal_forms)
    name = country.pattern.format(core=core, kind=kind, form=form)
    domain = f"{core_latin}{kind_latin}.{country.tld}"
    return name, domain, industry


def weighted_counts(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), summing exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def culture_plan(total: int) -> list[Culture]:
    """``total`` cultures in proportion to their weights, in a fixed order."""
    counts = weighted_counts(total, [c.weight for c in CULTURES])
    return [c for c, n in zip(CULTURES, counts, strict=True) for _ in range(n)]


def country_plan(total: int) -> list[Country]:
    counts = weighted_counts(total, [c.org_weight for c in COUNTRIES])
    return [c for c, n in zip(COUNTRIES, counts, strict=True) for _ in range(n)]


def amount_for(rng: random.Random, currency: str) -> Decimal:
    low, high, step = AMOUNT_RANGES.get(currency, AMOUNT_RANGES["USD"])
    steps = (high - low) // step
    # Most deals are small, a few are large.
    value = low + step * int(steps * rng.random() ** 2.2)
    amount = Decimal(value)
    if currency != "JPY" and rng.random() < 0.15:
        amount += Decimal(rng.choice(["0.50", "0.99", "0.25"]))
    return amount


def spread_times(rng: random.Random, start: datetime, end: datetime, steps: int) -> list[datetime]:
    """``steps`` increasing times from ``start`` (the first) to no later than ``end``."""
    if steps <= 1:
        return [start]
    span = max((end - start).total_seconds(), 3600.0)
    gaps = [rng.uniform(0.5, 1.5) for _ in range(steps - 1)]
    # Leave part of the span unused so the last stage was entered some time ago.
    scale = span * rng.uniform(0.55, 0.95) / sum(gaps)
    times = [start]
    for gap in gaps:
        times.append(times[-1] + timedelta(seconds=int(gap * scale)))
    return times


def days_ago(
    rng: random.Random, now: datetime, most: float, *, recent_bias: float = 1.3
) -> datetime:
    """A time up to ``most`` days before ``now``, more often recent."""
    return now - timedelta(seconds=int(most * 86400 * rng.random() ** recent_bias))
