"""Conformance on public data (tests/platform/data/phone_address, see its README): every
example number of libphonenumber round-trips exactly; the share of OpenCage's address cases we
write exactly is measured and must not fall (bench/address_conformance.py prints it)."""

from __future__ import annotations

import csv
from pathlib import Path

import phonenumbers
import pytest

from bench.address_conformance import CASES, measure
from sambandh.core.cleaning import clean_phone, format_phone

DATA = Path(__file__).resolve().parent / "data/phone_address"
NUMBERS = DATA / "libphonenumber_example_numbers.csv"

#: Measured with bench/address_conformance.py: 453 of 469 (96.6%), the product's formatter
#: (core/address_layouts.py) writing each case's components. See docs/architecture.md, "Phone
#: numbers, addresses, names and sorting", for what still differs.
ADDRESS_FLOOR = 0.965


def example_rows() -> list[dict[str, str]]:
    if not NUMBERS.exists():
        pytest.fail(f"missing conformance data: {NUMBERS}")
    with NUMBERS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_example_number_round_trips_exactly():
    rows = example_rows()
    failures = []
    for row in rows:
        region = row["region"]
        # parse its national form in its region -> E.164, as our services store it
        e164 = clean_phone(row["national"], region=region)
        got = {
            "e164": e164,
            "international": format_phone(e164, international=True),
            # a viewer in the number's own country reads it in its national form
            "national": format_phone(e164, viewer_region=region),
            "rfc3966": phonenumbers.format_number(
                phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.RFC3966
            ),
            "national_dialled_from_region": phonenumbers.format_out_of_country_calling_number(
                phonenumbers.parse(e164, None), "US"
            ),
            # and every written form parses back to the same E.164
            "from_international": clean_phone(row["international"]),
            "from_e164": clean_phone(row["e164"]),
            "from_rfc3966": clean_phone(row["rfc3966"].removeprefix("tel:")),
            "again": clean_phone(format_phone(e164, international=True)),
            "is_valid": str(phonenumbers.is_valid_number(phonenumbers.parse(e164, None))),
        }
        want = {
            "e164": row["e164"],
            "international": row["international"],
            "national": row["national"],
            "rfc3966": row["rfc3966"],
            "national_dialled_from_region": row["national_dialled_from_region"],
            "from_international": row["e164"],
            "from_e164": row["e164"],
            "from_rfc3966": row["e164"],
            "again": row["e164"],
            "is_valid": row["is_valid"],
        }
        if got != want:
            failures.append((row["region"], row["type"], got, want))
    assert len(rows) == 1129
    assert failures == []


def test_address_formatting_conformance_does_not_fall():
    if not (CASES / "testcases.json").exists():
        pytest.fail(f"missing conformance data: {CASES}")
    exact, total = measure()
    assert total == 469
    assert exact / total >= ADDRESS_FLOOR
    assert exact / total >= 0.95  # issue 9's bar
