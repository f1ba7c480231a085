"""The matching engine's comparisons and blocking, on plain records (no database)."""

from __future__ import annotations

import datetime

from sambandh.dedupe.engine.blocking import PEOPLE_RULES, candidate_pairs
from sambandh.dedupe.engine.compare import ORGANIZATIONS, PEOPLE
from sambandh.dedupe.engine.model import Model
from sambandh.dedupe.engine.normalize import fold, org_name_key, sound_key, street_key
from sambandh.dedupe.engine.records import organization_record, person_record
from sambandh.dedupe.engine.translit import to_latin

CMP = {c.key: c for c in PEOPLE}
ORG = {c.key: c for c in ORGANIZATIONS}


def _level(key: str, a, b, comparisons=CMP) -> str:
    comparison = comparisons[key]
    level = comparison.compare(a, b)
    return "null" if level == -1 else comparison.levels[level].code


def _p(pk: int, **kwargs):
    return person_record(id=pk, **kwargs)


def test_a_nickname_is_a_variant_of_the_given_name():
    assert _level("given_name", _p(1, given_name="Robert"), _p(2, given_name="Bob")) == "variant"
    assert _level("given_name", _p(1, given_name="William"), _p(2, given_name="Bill")) == "variant"
    assert _level("given_name", _p(1, given_name="Robert"), _p(2, given_name="Susan")) == (
        "different"
    )


def test_indic_scripts_and_latin_fold_to_the_same_name():
    assert to_latin("राम शर्मा") == "raam sharmaa"
    assert to_latin("కృష్ణ") == "krishn"
    assert to_latin("കൃഷ്ണൻ") == "krishnan"
    hindi = _p(1, given_name="राम", family_name="शर्मा")
    telugu = _p(2, given_name="రామ్", family_name="శర్మ")
    latin = _p(3, given_name="Ram", family_name="Sharma")
    assert _level("family_name", hindi, latin) == "variant"
    assert _level("family_name", telugu, latin) == "variant"
    assert _level("given_name", hindi, telugu) == "exact"
    assert sound_key("venkateswara") == sound_key(fold("वेंकटेश्वर"))


def test_phonetics_and_typos_have_their_own_levels():
    assert _level("family_name", _p(1, family_name="Smith"), _p(2, family_name="Smyth")) in (
        "variant",
        "typo",
    )
    assert _level("family_name", _p(1, family_name="Allen"), _p(2, family_name="Alen")) == (
        "variant"
    )
    assert _level("family_name", _p(1, family_name="Knight"), _p(2, family_name="Nite")) == (
        "phonetic"
    )
    assert _level("given_name", _p(1, given_name="Catherine"), _p(2, given_name="Kathryn")) in (
        "variant",
        "phonetic",
    )
    assert _level("family_name", _p(1, family_name="Kowalski"), _p(2, family_name="Kowlaski")) == (
        "typo"
    )


def test_swapped_given_and_family_names_are_a_variant():
    a = _p(1, given_name="Isla", family_name="Hall")
    b = _p(2, given_name="Hall", family_name="Isla")
    assert _level("given_name", a, b) == "variant"
    assert _level("family_name", a, b) == "variant"


def test_dates_of_birth_exact_swapped_one_digit_off_and_missing():
    day = datetime.date(1971, 6, 4)
    assert _level("birth_date", _p(1, birth_date=day), _p(2, birth_date=day)) == "exact"
    swapped = datetime.date(1971, 4, 6)
    assert _level("birth_date", _p(1, birth_date=day), _p(2, birth_date=swapped)) == "swapped"
    digit = datetime.date(1971, 6, 14)
    assert _level("birth_date", _p(1, birth_date=day), _p(2, birth_date=digit)) == "swapped"
    far = datetime.date(1990, 1, 1)
    assert _level("birth_date", _p(1, birth_date=day), _p(2, birth_date=far)) == "different"
    assert _level("birth_date", _p(1, birth_date=day), _p(2)) == "null"


def test_emails_phones_and_streets_are_compared_normalized():
    a = _p(1, emails=["Asha.Rao+crm@GMail.com"], phones=["+914023456789"])
    b = _p(2, emails=["asharao@gmail.com"], phones=["+914023456789"])
    assert _level("email", a, b) == "exact"
    assert _level("phone", a, b) == "exact"
    c = _p(3, emails=["asharao@example.in"])
    assert _level("email", b, c) == "local_part"
    assert street_key("3449 W. Arthington Street") == ("3449", "w arthington st")
    x = _p(4, street="3449 W Arthington St")
    y = _p(5, street="3449 West Arthington Street")
    assert _level("street", x, y) == "exact"


def test_organization_names_lose_their_legal_forms():
    assert org_name_key("Acme Pvt. Ltd.") == "acme"
    assert org_name_key("ACME GmbH") == "acme"
    a = organization_record(
        id=1, name="Tata Consultancy Services Ltd", website="https://www.tcs.com/"
    )
    b = organization_record(id=2, name="TATA CONSULTANCY SERVICES LIMITED", domain="tcs.com")
    assert _level("name", a, b, ORG) == "exact"
    assert _level("domain", a, b, ORG) == "exact"


def test_the_model_scores_a_clear_duplicate_high_and_a_stranger_low():
    model = Model(PEOPLE)
    day = datetime.date(1980, 3, 2)
    a = _p(1, given_name="Robert", family_name="Allen", birth_date=day, emails=["rob@x.org"])
    b = _p(2, given_name="Bob", family_name="Allen", birth_date=day, emails=["rob@x.org"])
    c = _p(3, given_name="Priya", family_name="Nair", birth_date=datetime.date(1990, 5, 5))
    assert model.probability(model.pattern(a, b)) > 0.99
    assert model.probability(model.pattern(a, c)) < 0.01
    reasons = model.reasons(model.pattern(a, b))
    assert "email:exact" in reasons
    assert "given_name:variant" in reasons


def test_blocking_yields_each_candidate_pair_once():
    day = datetime.date(1980, 3, 2)
    records = [
        _p(10, given_name="Robert", family_name="Allen", birth_date=day, emails=["r@x.org"]),
        _p(11, given_name="Bob", family_name="Allen", birth_date=day, emails=["r@x.org"]),
        _p(12, given_name="Priya", family_name="Nair", birth_date=datetime.date(1990, 5, 5)),
    ]
    pairs = [(a, b) for a, b, _rule in candidate_pairs(records, PEOPLE_RULES)]
    assert pairs == [(0, 1)]
