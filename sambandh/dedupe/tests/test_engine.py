"""The matching engine's comparisons and blocking, on plain records (no database)."""

from __future__ import annotations

import datetime
import math

import pytest

from sambandh.dedupe.engine import blocking
from sambandh.dedupe.engine import scan as engine_scan
from sambandh.dedupe.engine.blocking import PEOPLE_RULES, BlockStats, candidate_pairs
from sambandh.dedupe.engine.compare import ORGANIZATIONS, PEOPLE
from sambandh.dedupe.engine.model import Model
from sambandh.dedupe.engine.normalize import fold, org_name_key, sound_key, street_key
from sambandh.dedupe.engine.records import organization_record, person_record
from sambandh.dedupe.engine.scan import scan_records
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


def test_names_are_compared_the_other_way_round_when_that_fits_better():
    # A misspelt swap and a lone family name given as the other record's given name.
    a = _p(1, given_name="Alfie", family_name="Griffihs")
    b = _p(2, given_name="Griffiths", family_name="Alfie")
    assert _level("given_name", a, b) == "variant"
    assert _level("family_name", a, b) == "typo"
    lone = _p(3, family_name="Armstrong")
    full = _p(4, given_name="Armstrong", family_name="Eva")
    assert _level("family_name", lone, full) == "variant"
    assert _level("given_name", lone, full) == "null"
    # Names in their own fields are not read crossed.
    assert (
        _level(
            "family_name", _p(5, given_name="Evie", family_name="Dean"), _p(6, family_name="Dean")
        )
        == "exact"
    )


def test_dates_of_birth_are_graded_by_how_far_apart_they_are():
    day = datetime.date(1971, 6, 4)

    def level(other):
        return _level("birth_date", _p(1, birth_date=day), _p(2, birth_date=other))

    assert level(day) == "exact"
    assert level(datetime.date(1971, 4, 6)) == "typo"  # day and month swapped
    assert level(datetime.date(1971, 6, 14)) == "typo"  # one digit off
    assert level(datetime.date(1981, 6, 4)) == "typo"  # one digit off in the year
    assert level(datetime.date(1971, 7, 2)) == "month"
    assert level(datetime.date(1972, 3, 30)) == "year"
    assert level(datetime.date(1990, 1, 1)) == "different"
    assert _level("birth_date", _p(1, birth_date=day), _p(2)) == "null"


def test_an_email_two_edits_apart_is_a_typo():
    a = _p(1, emails=["harry.andrews@woods.biz"])
    assert _level("email", a, _p(2, emails=["harry.andrews@woods.bz"])) == "local_part"
    assert _level("email", _p(3, emails=["e.e@ay.com"]), _p(4, emails=["ee@day.com"])) == "typo"
    assert _level("email", a, _p(5, emails=["harry.andrew@wods.biz"])) == "typo"
    assert _level("email", a, _p(6, emails=["priya@nair.in"])) == "different"


def test_alike_local_parts_at_unrelated_domains_are_no_evidence():
    # Mostly the names again, which the name comparisons already weigh.
    a = _p(1, emails=["isaac.james@smith.com"])
    assert _level("email", a, _p(2, emails=["isaac.jones54@bradford.net"])) == "null"


def test_one_employers_pattern_over_two_names_is_no_evidence():
    # Two colleagues' addresses look a typo apart because the pattern is the same.
    kobayashi = _p(1, given_name="大輔", family_name="小林", emails=["daisuke_kobayashi@sakura.jp"])
    sato = _p(2, given_name="大輔", family_name="佐藤", emails=["daisuke_sato@sakura.jp"])
    assert _level("email", kobayashi, sato) == "null"
    subbalakshmi = _p(3, given_name="సుబ్బలక్ష్మి", family_name="రావు", emails=["srao@charminar.in"])
    ravi = _p(4, given_name="Ravi", family_name="Rao", emails=["rrao@charminar.in"])
    assert _level("email", subbalakshmi, ravi) == "null"
    # names that differ outright: a word merely close to its counterpart is enough
    hashimi = _p(9, given_name="عمر", family_name="الهاشمي", emails=["omar.alhashimi@gulf.ae"])
    nuaimi = _p(10, given_name="عمر", family_name="النعيمي", emails=["omar.alnuaimi@gulf.ae"])
    assert _level("email", hashimi, nuaimi) == "null"
    # while a typo in a word of the address, or one person's initial, still counts
    ferguson = _p(5, given_name="Logan", family_name="Ferguson", emails=["l.ferguson46@shah.com"])
    fergson = _p(6, given_name="Logn", family_name="Feeruson", emails=["l.fergson46@shah.com"])
    assert _level("email", ferguson, fergson) == "typo"
    sam = _p(7, given_name="Sam", family_name="Rao", emails=["srao@charminar.in"])
    samuel = _p(8, given_name="Samuel", family_name="Rao", emails=["srao1@charminar.in"])
    assert _level("email", sam, samuel) == "typo"


def test_a_common_value_weighs_less_than_a_rare_one():
    records = [_p(i, given_name="George") for i in range(40)]
    records += [_p(100, given_name="Theodora"), _p(101, given_name="Theodora")]
    model = Model(PEOPLE)
    model.estimate_tf(records)
    weights, tf = model.weights(), model.tf_weights()

    def weight(a, b):
        return model.weight(model.pattern(a, b), a, b, weights, tf)

    common = weight(records[0], records[1])
    rare = weight(records[-2], records[-1])
    # Given name only: log2(m / frequency), 40 of 42 against 2 of 42.
    assert rare - common == pytest.approx(math.log2(40 / 2), abs=0.01)


def test_a_head_office_phone_shared_by_sites_at_other_addresses_is_no_evidence():
    a = organization_record(
        id=1, name="Gads Hill", street="3021 W 53rd St", phones=["+13122511196"]
    )
    b = organization_record(
        id=2, name="Gads Hill", street="4546 W 67th St", phones=["+13122511196"]
    )
    c = organization_record(
        id=3, name="Gads Hill", street="3021 W. 53rd Street", phones=["+13122511196"]
    )
    assert _level("phone", a, b, ORG) == "null"
    assert _level("street", a, b, ORG) == "other_house"
    assert _level("phone", a, c, ORG) == "exact"
    assert _level("phone", a, b, CMP) == "exact"  # people: a shared number still counts


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


def _chain():
    a = _p(1, given_name="Isla", family_name="Hall", emails=["isla@example.org"], city="Leeds")
    b = _p(
        2,
        given_name="Isla",
        family_name="Hall",
        emails=["isla@example.org"],
        phones=["+447700900123"],
    )
    c = _p(3, city="Leeds", phones=["+447700900123"])
    return [a, b, c]


def test_the_grouping_step_reports_a_pair_the_blocking_missed_through_a_chain():
    records = _chain()
    assert [(x, y) for x, y, _rule in candidate_pairs(records, PEOPLE_RULES)] == [(0, 1), (1, 2)]
    found = {(p.a.id, p.b.id): p for p in scan_records("people", records)}
    assert set(found) == {(1, 2), (2, 3), (1, 3)}
    assert found[(1, 3)].rule == "linked"
    assert found[(1, 3)].reasons == ["city:exact", "linked:chain"]
    assert 0.2 <= found[(1, 3)].probability < 0.8
    assert "linked:chain" not in found[(1, 2)].reasons


def test_a_group_past_its_size_limit_is_not_completed(monkeypatch):
    monkeypatch.setattr(engine_scan, "MAX_GROUP", 2)
    found = {(p.a.id, p.b.id) for p in scan_records("people", _chain())}
    assert found == {(1, 2), (2, 3)}


def test_a_block_past_its_size_limit_is_skipped_and_counted(monkeypatch):
    monkeypatch.setattr(blocking, "MAX_BLOCK", 3)
    records = [_p(i, given_name="George", family_name=f"N{i}", city="London") for i in range(4)]
    stats = BlockStats()
    pairs = list(candidate_pairs(records, {"given_city": PEOPLE_RULES["given_city"]}, stats))
    assert pairs == []
    assert (stats.skipped_blocks, stats.skipped_pairs) == (1, 6)
    stats = BlockStats()
    pairs = list(candidate_pairs(records[:3], {"given_city": PEOPLE_RULES["given_city"]}, stats))
    assert len(pairs) == 3 and stats.skipped_blocks == 0


def _blocked(a, b) -> set[str]:
    """The people rules under which ``a`` and ``b`` are candidates."""
    return {rule for _x, _y, rule in candidate_pairs([a, b], PEOPLE_RULES)} | {
        name for name, rule in PEOPLE_RULES.items() if set(rule(a)) & set(rule(b))
    }


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"given_name": "Eleanor"}, {"given_name": "Nleaeor"}),  # letters swapped
        ({"given_name": "Oliver"}, {"given_name": "Oievr"}),  # a letter dropped, two swapped
        ({"family_name": "Wright"}, {"given_name": "Writhg"}),  # in the other field
        ({"family_name": "Harley"}, {"emails": ["harleyk@houston.net"]}),  # in the email
        ({"family_name": "Armstrong"}, {"emails": ["l.armstrong@reyes.net"]}),
        ({"given_name": "Bob"}, {"given_name": "Robert"}),  # a nickname
    ],
)
def test_a_misspelt_name_anywhere_in_the_record_is_a_candidate(a, b):
    assert "name_spelling" in _blocked(_p(1, **a), _p(2, **b))


def test_a_different_name_is_not_a_spelling_candidate():
    assert "name_spelling" not in _blocked(
        _p(1, given_name="Oliver"), _p(2, given_name="Olivia", family_name="Clarke")
    )


def test_a_place_and_a_year_of_birth_a_year_apart_are_a_candidate():
    a = _p(1, city="Southend on Sea", birth_date=datetime.date(1978, 5, 1))
    b = _p(2, city="Southena on Sed", birth_date=datetime.date(1977, 4, 1))
    assert "city_start_birth_years" in _blocked(a, b)
    c = _p(3, city="Southend on Sea", birth_date=datetime.date(1975, 5, 1))
    assert "city_start_birth_years" not in _blocked(a, c)


FAMILIES = [
    "Allen",
    "Okafor",
    "Schmidt",
    "Tanaka",
    "Garcia",
    "Kowalski",
    "Dubois",
    "Rossi",
    "Haddad",
    "Lindqvist",
]
STRANGERS = ["Nair", "Mehta", "Iyer", "Das", "Bose", "Kapoor", "Menon", "Pillai", "Reddy", "Shetty"]


def _crowd():
    """Forty people in ten families, each written three ways, plus strangers."""
    day = datetime.date(1980, 1, 1)
    records = []
    for i in range(10):
        family = FAMILIES[i]
        birth = day + datetime.timedelta(days=40 * i)
        records += [
            _p(4 * i, given_name="Robert", family_name=family, birth_date=birth),
            _p(4 * i + 1, given_name="Bob", family_name=family, birth_date=birth),
            _p(4 * i + 2, given_name="Robrt", family_name=family, emails=[f"r{i}@x.org"]),
            _p(4 * i + 3, given_name="Priya", family_name=STRANGERS[i], city="Leeds"),
        ]
    return records


def test_the_shards_together_give_each_candidate_pair_once():
    records = _crowd()
    blocks = blocking.all_blocks(records, PEOPLE_RULES)
    whole = list(blocking.shard_pairs(blocks, len(records), 0, len(records)))
    parts = [p for lo in range(0, 40, 7) for p in blocking.shard_pairs(blocks, 40, lo, lo + 7)]
    assert len(parts) == len({(a, b) for a, b, _n in parts})
    assert {(a, b) for a, b, _n in parts} == {(a, b) for a, b, _n in whole}
    assert all(a < b for a, b, _n in parts)


def test_the_scan_in_several_processes_reports_what_one_process_reports(monkeypatch):
    monkeypatch.setattr(engine_scan, "PARALLEL_FROM", 0)
    monkeypatch.setattr(engine_scan, "_can_fork", lambda: True)  # pytest runs threads
    monkeypatch.setattr(engine_scan, "SHARD", 5)
    records = _crowd()

    def scan(workers):
        stats = engine_scan.ScanStats()
        pairs = [
            (p.a.id, p.b.id, round(p.probability, 9), p.reasons, p.rule)
            for p in scan_records("people", records, stats=stats, workers=workers)
        ]
        return pairs, stats

    one, one_stats = scan(1)
    two, two_stats = scan(2)
    assert two == one
    assert (one_stats.workers, two_stats.workers) == (1, 2)
    assert two_stats.blocking.candidate_pairs == one_stats.blocking.candidate_pairs > 0
    assert {(a, b) for a, b, *_ in one} >= {(0, 1), (4, 5), (36, 37)}
