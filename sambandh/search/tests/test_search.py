"""The search selector: what each query finds, in what order, and for whom."""

from __future__ import annotations

import pytest

from sambandh.accounts.services import record_share
from sambandh.contacts import services as contacts
from sambandh.contacts.schemas import PersonIn
from sambandh.sales import services as sales
from sambandh.search.selectors import search
from tests.factories import make_deal, make_lead, make_organization, make_person

pytestmark = pytest.mark.django_db


def found(viewer, q, **options):
    return [(hit.record_type, hit.record_id) for hit in search(viewer=viewer, q=q, **options)]


@pytest.fixture
def tata(owner):
    return make_organization(owner, name="Tata Motors", domain="tatamotors.com")


@pytest.fixture
def asha(owner, tata):
    return make_person(
        owner,
        full_name="Asha Rao",
        email="asha.rao@tatamotors.com",
        phone="+919876543210",
        organization_id=tata.pk,
    )


@pytest.mark.parametrize(
    "q",
    [
        "+919876543210",
        "+91 98765 43210",
        "+91-98765-43210",
        "(+91) 98765.43210",
        "0091 98765 43210",
        "919876543210",
        "98765 43210",
        "9876543210",
        "09876543210",
        "098765 43210",
        "98765 432",
        "+91 98765 4",
    ],
)
def test_a_phone_number_is_found_in_any_format(owner, asha, q):
    # given Asha with +91 98765 43210, when her number is typed this way, then she is found
    assert found(owner, q) == [("person", asha.pk)]


def test_a_phone_number_of_another_country_is_found_by_its_national_digits(owner):
    # given a number in the United States
    sam = make_person(owner, full_name="Sam Lee", phone="+1 415 555 0134")
    # then its national form and its international form find it
    assert found(owner, "(415) 555-0134") == [("person", sam.pk)]
    assert found(owner, "+1 415 555 0134") == [("person", sam.pk)]


def test_an_email_address_finds_the_person(owner, asha):
    assert found(owner, "asha.rao@tatamotors.com") == [("person", asha.pk)]
    assert found(owner, "asha.rao@") == [("person", asha.pk)]
    assert found(owner, "ASHA.RAO") == [("person", asha.pk)]


def test_a_domain_finds_the_organization_and_its_people(owner, tata, asha):
    assert sorted(found(owner, "tatamotors.com")) == [
        ("organization", tata.pk),
        ("person", asha.pk),
    ]
    assert sorted(found(owner, "tatamotors")) == [("organization", tata.pk), ("person", asha.pk)]


def test_an_organization_name_finds_it_first_then_its_people(owner, tata, asha):
    # the organization's title starts with the query; Asha works there
    assert found(owner, "Tata") == [("organization", tata.pk), ("person", asha.pk)]
    assert found(owner, "tata motors") == [("organization", tata.pk), ("person", asha.pk)]


@pytest.mark.parametrize(
    "q", ["As", "ash", "Asha", "asha ", "ASHA R", "Asha Rao", "rao", "rao asha"]
)
def test_a_name_is_found_by_prefixes_of_its_words_in_any_order(owner, asha, q):
    assert found(owner, q) == [("person", asha.pk)]


def test_an_unfinished_first_word_is_still_found_after_the_second_is_typed(owner, asha):
    # "as" looks finished once a second word follows; nothing matches it whole, so it is retried
    # as a prefix
    assert found(owner, "as rao") == [("person", asha.pk)]


def test_words_that_match_nothing_find_nothing(owner, asha):
    assert found(owner, "asha kumar") == []
    assert found(owner, "zzqx") == []
    assert found(owner, "a") == []
    assert found(owner, "") == []


@pytest.mark.parametrize(
    ("full_name", "queries"),
    [
        ("రాహుల్ రెడ్డి", ["రాహుల్", "రాహు", "రెడ్డి", "రాహుల్ రెడ్డి"]),  # Telugu
        ("ગીતા પટેલ", ["ગીતા", "ગીત", "પટેલ", "ગીતા પટેલ"]),  # Gujarati
        ("प्रिया शर्मा", ["प्रिया", "प्रि", "शर्मा", "प्रिया शर्मा"]),  # Devanagari
        ("محمد الحداد", ["محمد", "مُحَمَّد", "محم", "الحداد"]),  # Arabic, with and without vowels
        ("王小明", ["王小明", "王小", "王", "小明", "明"]),  # Chinese, no spaces
        ("山田 太郎", ["山田", "山田 太郎", "太郎"]),  # Japanese
        ("김민준", ["김민준", "김민", "민준"]),  # Korean
        ("José Müller", ["jose", "José", "muller", "MÜLLER", "jose mul"]),  # accents
    ],
)
def test_names_in_every_script_are_found(owner, full_name, queries):
    # given a person whose name is written in this script
    person = make_person(owner, full_name=full_name)
    # then each query finds them
    for q in queries:
        assert found(owner, q) == [("person", person.pk)], q


def test_deals_and_leads_are_found_too(owner, pipeline, tata):
    # given a deal at Tata and a lead with a phone and an email
    deal = make_deal(owner, pipeline, name="Fleet renewal 2026", organization_id=tata.pk)
    lead = make_lead(owner, full_name="Kiran Desai", email="kiran@desai.in", phone="+919812345678")
    # then each is found by what describes it
    assert found(owner, "fleet") == [("deal", deal.pk)]
    assert found(owner, "renewal 2026") == [("deal", deal.pk)]
    assert found(owner, "kiran") == [("lead", lead.pk)]
    assert found(owner, "kiran@desai.in") == [("lead", lead.pk)]
    assert found(owner, "98123 45678") == [("lead", lead.pk)]
    assert found(owner, "tata", types=["deal"]) == [("deal", deal.pk)]


def test_results_are_ranked_exact_title_then_title_prefix_then_word_then_other(owner):
    # given four records that match "rao" in different places
    other = make_person(owner, full_name="Meena Iyer", email="rao.family@example.com")
    word = make_person(owner, full_name="Asha Rao")
    prefix = make_organization(owner, name="Rao Consulting")
    exact = make_person(owner, full_name="Rao")
    # then the exact title comes first, then the title that starts with it, then a title word
    assert found(owner, "rao") == [
        ("person", exact.pk),
        ("organization", prefix.pk),
        ("person", word.pk),
        ("person", other.pk),
    ]


def test_types_and_limit_narrow_the_results(owner, tata, asha):
    for n in range(12):
        make_person(owner, full_name=f"Tata Employee {n:02d}")
    assert found(owner, "tata", types=["organization"]) == [("organization", tata.pk)]
    hits = search(viewer=owner, q="tata", limit=5)
    assert [h.title for h in hits] == [
        "Tata Employee 00",
        "Tata Employee 01",
        "Tata Employee 02",
        "Tata Employee 03",
        "Tata Employee 04",
    ]
    assert len(search(viewer=owner, q="tata", limit=500)) == 14


def test_a_hit_carries_its_title_subtitle_and_page(owner, asha):
    (hit,) = search(viewer=owner, q="asha")
    assert (hit.record_type, hit.record_id, hit.title) == ("person", asha.pk, "Asha Rao")
    assert hit.subtitle == "Tata Motors · asha.rao@tatamotors.com"
    assert hit.url == f"/people/{asha.pk}/"


def test_a_rename_and_a_new_phone_are_found_at_once_and_the_old_ones_are_not(owner):
    # given Kavya Iyer with a phone
    kavya = make_person(owner, full_name="Kavya Iyer", phone="+919876543210")
    # when she is renamed and her phone changes
    contacts.person_update(
        actor=owner,
        person=kavya,
        data=PersonIn.build(
            {"full_name": "Kavya Menon", "phones": [contacts.PhoneIn("+919900011122")]}
        ),
        version=kavya.version,
    )
    # then the new name and number find her, the old ones do not
    assert found(owner, "menon") == [("person", kavya.pk)]
    assert found(owner, "99000 11122") == [("person", kavya.pk)]
    assert found(owner, "kavya iyer") == []
    assert found(owner, "98765 43210") == []


def test_a_deleted_record_is_not_found(owner, pipeline, asha, tata):
    deal = make_deal(owner, pipeline, name="Fleet renewal")
    contacts.person_delete(actor=owner, person=asha)
    sales.deal_delete(actor=owner, deal=deal)
    assert found(owner, "asha") == []
    assert found(owner, "98765 43210") == []
    assert found(owner, "fleet") == []
    assert found(owner, "tata") == [("organization", tata.pk)]


def test_an_outsider_finds_nothing_of_the_owners(owner, outsider, tata, asha):
    for q in ["asha", "Asha Rao", "tata", "tatamotors.com", "+91 98765 43210", "asha.rao@"]:
        assert found(outsider, q) == [], q


def test_a_teammate_rep_finds_only_what_is_theirs_or_shared(owner, teammate, asha):
    # a sales rep sees their own records: a teammate's are not theirs
    assert found(teammate, "asha") == []
    # once shared with them, it is found
    record_share(actor=owner, record_type="person", record_id=asha.pk, user=teammate)
    assert found(teammate, "asha") == [("person", asha.pk)]
    assert found(teammate, "98765 43210") == [("person", asha.pk)]
    # and only the shared type: the organization was not shared
    assert found(teammate, "tata") == [("person", asha.pk)]


def test_a_share_with_the_outsiders_team_shows_the_record_to_them(
    owner, outsider, other_team, asha
):
    record_share(actor=owner, record_type="person", record_id=asha.pk, team=other_team)
    assert found(outsider, "asha") == [("person", asha.pk)]


def test_the_manager_and_the_read_only_user_find_their_teams_records(
    owner, manager, readonly, admin_user, tata, asha
):
    for viewer in (manager, readonly, admin_user):
        assert found(viewer, "tata") == [("organization", tata.pk), ("person", asha.pk)]
        assert found(viewer, "98765 43210") == [("person", asha.pk)]


def test_a_manager_does_not_find_another_teams_records(manager, outsider):
    theirs = make_person(outsider, full_name="Zoya Outsider")
    assert found(manager, "zoya") == []
    assert found(outsider, "zoya") == [("person", theirs.pk)]


def test_an_anonymous_viewer_finds_nothing(asha):
    from django.contrib.auth.models import AnonymousUser

    assert found(AnonymousUser(), "asha") == []


def test_a_search_costs_a_fixed_number_of_queries(owner, tata, asha, queries):
    # given the viewer's scope is already known (it is cached on the user for the request)
    search(viewer=owner, q="warm up")
    # when a rep searches a word that starts one title and is a word of another
    with queries() as captured:
        hits = search(viewer=owner, q="tata")
    # then one statement reads the titles, one the full-text index, and one checks that the
    # viewer may see the organization a found person is linked to (its name is in the person's
    # document)
    assert len(hits) == 2
    assert len(captured.captured_queries) == 3


def test_a_page_full_of_title_matches_needs_no_full_text_lookup(owner, queries):
    # given more people whose names start with the query than fit on a page
    for n in range(4):
        make_person(owner, full_name=f"Tanvi Shah {n}", email=f"tanvi{n}@example.com")
    search(viewer=owner, q="warm up")
    # when searched
    with queries() as captured:
        hits = search(viewer=owner, q="tanvi", limit=3)
    # then the titles alone answer, in title order
    assert [h.title for h in hits] == ["Tanvi Shah 0", "Tanvi Shah 1", "Tanvi Shah 2"]
    assert len(captured.captured_queries) == 1


@pytest.mark.postgres
def test_the_middle_of_a_word_is_found_on_postgres_but_not_the_middle_of_a_number(owner, asha):
    # nothing starts with this: the trigram index finds it inside words
    # (it matches only outside the titles, so the hits come in title order)
    assert found(owner, "otors") == [("person", asha.pk), ("organization", asha.organization_id)]
    # digits are a phone number's start or end (see test_phone_search), never its middle
    assert found(owner, "76543") == []
    assert found(owner, "87654 32") == []
