"""The scan at scale: a common name shared by strangers is not a duplicate, however many
records there are (the prior follows the number of records; a local part that is the name
again adds nothing to the name)."""

from __future__ import annotations

import pytest

from sambandh.dedupe.engine import scan as engine_scan
from sambandh.dedupe.engine.compare import PEOPLE
from sambandh.dedupe.engine.model import Model
from sambandh.dedupe.engine.records import person_record
from sambandh.dedupe.engine.scan import scale_prior, scan_records

EMAIL = next(c for c in PEOPLE if c.key == "email")


def _email_level(a, b) -> str:
    level = EMAIL.compare(a, b)
    return "null" if level == -1 else EMAIL.levels[level].code


def test_the_same_local_part_for_the_same_name_is_no_evidence():
    a = person_record(id=1, full_name="George Wright", emails=["george_wright@albion.co.uk"])
    b = person_record(id=2, full_name="George Wright", emails=["george_wright@highland.co.uk"])
    c = person_record(id=3, full_name="Gina Wu", emails=["george_wright@highland.co.uk"])
    assert _email_level(a, b) == "null"
    assert _email_level(a, c) == "local_part"  # another name: the local part says something
    d = person_record(id=4, full_name="George Wright", emails=["george_wright@albion.co.uk"])
    assert _email_level(a, d) == "exact"
    # Close local parts at one provider: the name again for namesakes, a typo otherwise.
    e = person_record(id=5, full_name="George Wright", emails=["georgewright942@gmail.com"])
    f = person_record(id=6, full_name="George Wright", emails=["georgewright66@gmail.com"])
    g = person_record(id=7, full_name="Gina Wright", emails=["georgewright66@gmail.com"])
    assert (_email_level(e, f), _email_level(e, g)) == ("null", "typo")
    # Unlike addresses still speak against namesakes.
    h = person_record(id=8, full_name="George Wright", emails=["gw@wright.example"])
    assert _email_level(a, h) == "different"


def test_the_prior_falls_with_the_number_of_records_and_rises_with_shared_addresses():
    names = ["email", "name_spelling"]
    blocks = [[(0, 1), (2, 3)], [(0, 1, 2, 3, 4)]]  # two pairs share an email
    # A handful of records: the model's own prior.
    assert scale_prior(10, names, blocks, 0.05) == 0.05
    # A million: one record in a hundred with a duplicate, over all pairs, calibrated.
    expected = 0.01 * 1_000_000 / (1_000_000 * 999_999 / 2) * 2**engine_scan.CALIBRATION_BITS
    assert scale_prior(1_000_000, names, blocks, 0.05) == pytest.approx(expected)
    # Many pairs sharing an email or a phone: more duplicates expected, a higher prior.
    many = [[(i, i + 1) for i in range(0, 100_000, 2)], [(0, 1, 2)]]
    assert scale_prior(1_000_000, names, many, 0.05) == pytest.approx(
        50_000 / 0.5 / (1_000_000 * 999_999 / 2) * 2**engine_scan.CALIBRATION_BITS
    )


def test_random_pairs_that_rarely_compare_keep_the_default_u():
    records = [
        person_record(id=i, full_name=f"Person {i}", emails=[f"p{i}@example.com"])
        for i in range(300)
    ]
    model = Model(PEOPLE)
    defaults = [list(row) for row in model.u]
    model.estimate_u(records, 2_000)
    keys = [c.key for c in PEOPLE]
    assert model.u[keys.index("birth_date")] == defaults[keys.index("birth_date")]  # nobody's
    assert model.u[keys.index("email")] != defaults[keys.index("email")]  # everyone's


def _namesakes() -> list:
    """3,000 people: sixty names, fifty strangers each (own email, own phone, one of three
    cities), and one true duplicate (the same name, email and phone twice)."""
    cities = ["Pune", "Leeds", "Lyon"]
    records = []
    for n in range(60):
        given, family = f"Given{chr(97 + n % 26)}{n}", f"Family{chr(97 + n // 26)}{n}"
        for k in range(50):
            pk = n * 50 + k
            records.append(
                person_record(
                    id=pk,
                    given_name=given,
                    family_name=family,
                    emails=[f"{given}.{family}{k}@mail{pk}.example".lower()],
                    phones=[f"+91981{pk:07d}"],
                    city=cities[k % 3],
                )
            )
    records.append(
        person_record(
            id=9999,
            given_name="Givena0",
            family_name="Familya0",
            emails=["givena0.familya00@mail0.example"],
            phones=["+919810000000"],
            city="Pune",
        )
    )
    return records


def test_strangers_of_a_common_name_are_not_reported_but_a_true_duplicate_is():
    records = _namesakes()
    stats = engine_scan.ScanStats()
    pairs = {(p.a.id, p.b.id) for p in scan_records("people", records, stats=stats)}
    assert stats.blocking.candidate_pairs > 50_000  # the namesakes were compared
    assert stats.prior < 0.001
    assert pairs == {(0, 9999)}
    # With the fixed prior of before, the namesakes in one city were reported by the thousand.
    model = engine_scan.fit_model("people", records)
    old = {(p.a.id, p.b.id) for p in scan_records("people", records, model=model)}
    assert len(old) > 1_000


def test_one_address_is_counted_once():
    comparisons = {c.key: c for c in PEOPLE}

    def level(key, a, b):
        found = comparisons[key].compare(a, b)
        return "null" if found == -1 else comparisons[key].levels[found].code

    a = person_record(id=1, street="101 Mission St", city="San Francisco", postal_code="94105")
    b = person_record(id=2, street="101 Mission St", city="San Francisco", postal_code="94105")
    # The same house: the street says it; the postcode and the city follow from it.
    assert (level("street", a, b), level("postcode", a, b), level("city", a, b)) == (
        "exact",
        "null",
        "null",
    )
    # Another house in the same postcode: the postcode speaks, the city follows from it.
    c = person_record(id=3, street="55 Second St", city="San Francisco", postal_code="94105")
    assert (level("postcode", a, c), level("city", a, c)) == ("exact", "null")
    # Only the city in common: the city speaks.
    d = person_record(id=4, street="1 Market St", city="San Francisco", postal_code="94111")
    assert (level("postcode", a, d), level("city", a, d)) == ("area", "exact")
