"""Names: the order of their parts by culture, a full name alone, honorifics, and the
collation lists sort by."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from sambandh.contacts import selectors, services
from sambandh.contacts.models import Person
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.core.listing import ListQuery

pytestmark = pytest.mark.django_db


def create(owner: Any, **data: Any) -> Any:
    return services.person_create(actor=owner, data=PersonIn.build(data))


@pytest.mark.parametrize(
    ("data", "full_name"),
    [
        ({"given_name": "Asha", "family_name": "Rao", "country": "IN"}, "Asha Rao"),
        ({"given_name": "太郎", "family_name": "山田", "preferred_language": "ja"}, "山田 太郎"),
        ({"given_name": "Taro", "family_name": "Yamada", "country": "JP"}, "Yamada Taro"),
        ({"given_name": "伟", "family_name": "王", "country": "CN"}, "王伟"),
        ({"given_name": "민준", "family_name": "김", "preferred_language": "ko"}, "김민준"),
        ({"given_name": "Béla", "family_name": "Nagy", "preferred_language": "hu"}, "Nagy Béla"),
        ({"given_name": "Lan", "family_name": "Nguyễn", "country": "VN"}, "Nguyễn Lan"),
        # the person's language decides before their country
        (
            {
                "given_name": "Ken",
                "family_name": "Sato",
                "country": "JP",
                "preferred_language": "en",
            },
            "Ken Sato",
        ),
    ],
)
def test_the_name_in_full_follows_the_persons_culture(owner, data, full_name):
    assert create(owner, **data).full_name == full_name


def test_a_full_name_alone_is_a_whole_name(owner):
    # given a culture that does not split names: only the full name is typed
    person = create(owner, full_name="Sukarno")
    assert (person.full_name, person.given_name, person.family_name) == ("Sukarno", "", "")


def test_an_honorific_is_kept_apart_from_the_name(owner, api):
    person = create(owner, honorific="Smt.", given_name="Lakshmi", family_name="Iyer")
    assert (person.honorific, person.full_name) == ("Smt.", "Lakshmi Iyer")
    body = api(owner).get(f"/api/v1/people/{person.pk}").json()
    assert (body["honorific"], body["full_name"]) == ("Smt.", "Lakshmi Iyer")


def test_a_too_long_honorific_is_refused_and_nothing_written(owner, api):
    resp = api(owner).post("/api/v1/people", {"full_name": "X", "honorific": "D" * 41})
    assert resp.status_code == 422
    assert Person.objects.count() == 0


@pytest.mark.postgres
def test_people_sort_by_the_icu_collation_on_postgresql(owner):
    names = ["Zoë Adams", "émile Roux", "Anna Berg", "Ölund Sven", "Oscar Lind", "ñu Pérez",
             "Nadia Ruiz", "అనిల్", "ఇందిర", "Émilie Blanc"]  # fmt: skip
    for name in names:
        create(owner, full_name=name)
    page = selectors.person_list(viewer=owner, query=ListQuery(sort="name", limit=50))
    got = [p.full_name for p in page.items]
    # Latin letters with accents sort with their base letter, case does not split the list,
    # and Telugu follows in its own alphabet's order (అ before ఇ).
    assert got == [
        "Anna Berg",
        "émile Roux",
        "Émilie Blanc",
        "Nadia Ruiz",
        "ñu Pérez",
        "Ölund Sven",
        "Oscar Lind",
        "Zoë Adams",
        "అనిల్",
        "ఇందిర",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'contacts_person' AND column_name = 'full_name'"
        )
        assert cursor.fetchone() == ("sambandh_names",)


SPANISH = ["Núñez Ana", "Ñandú Pérez", "Nuria Soto", "Oscar Vidal", "Nadia Ruiz"]


def listed(owner: Any, language: str, *, limit: int = 50, cursor: str | None = None) -> Any:
    with translation.override(language):
        return selectors.person_list(
            viewer=owner, query=ListQuery(sort="name", limit=limit, cursor=cursor)
        )


@pytest.mark.postgres
def test_a_spanish_viewer_reads_ñ_after_n_and_an_english_one_with_it(owner):
    for name in SPANISH:
        create(owner, full_name=name)
    spanish = [p.full_name for p in listed(owner, "es").items]
    english = [p.full_name for p in listed(owner, "en").items]
    assert spanish == ["Nadia Ruiz", "Núñez Ana", "Nuria Soto", "Ñandú Pérez", "Oscar Vidal"]
    assert english == ["Nadia Ruiz", "Ñandú Pérez", "Núñez Ana", "Nuria Soto", "Oscar Vidal"]


@pytest.mark.postgres
def test_the_next_page_follows_the_viewers_collation(owner):
    for name in SPANISH:
        create(owner, full_name=name)
    first = listed(owner, "es", limit=2)
    second = listed(owner, "es", limit=2, cursor=first.next_cursor)
    third = listed(owner, "es", limit=2, cursor=second.next_cursor)
    pages = [[p.full_name for p in page.items] for page in (first, second, third)]
    assert pages == [["Nadia Ruiz", "Núñez Ana"], ["Nuria Soto", "Ñandú Pérez"], ["Oscar Vidal"]]


@pytest.mark.postgres
def test_a_telugu_viewer_reads_telugu_names_first(owner, api):
    for name in ["Anil Kumar", "అనిల్ కుమార్", "Zara Khan", "ఇందిర రావు"]:
        create(owner, full_name=name)
    telugu = [p.full_name for p in listed(owner, "te").items]
    assert telugu == ["అనిల్ కుమార్", "ఇందిర రావు", "Anil Kumar", "Zara Khan"]
    # the API sorts in the language of the user it acts for, the same way
    owner.language = "te"
    owner.save(update_fields=["language"])
    resp = api(owner).get("/api/v1/people", {"sort": "name"})
    assert [p["full_name"] for p in resp.json()["items"]] == telugu


def test_sqlite_sorts_names_by_code_point(owner):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's order")
    for name in ["émile Roux", "Zoë Adams", "Anna Berg"]:
        create(owner, full_name=name)
    # SQLite has no ICU: upper case, then lower case, then accented letters (documented).
    assert [p.full_name for p in listed(owner, "es").items] == [
        "Anna Berg",
        "Zoë Adams",
        "émile Roux",
    ]


@pytest.mark.postgres
def test_organizations_sort_in_the_viewers_collation_too(owner):
    for name in ["Ñandú SA", "Nube SL", "Oro SA"]:
        services.organization_create(actor=owner, data=OrganizationIn.build({"name": name}))
    with translation.override("es"):
        page = selectors.organization_list(viewer=owner, query=ListQuery(sort="name"))
    assert [o.name for o in page.items] == ["Nube SL", "Ñandú SA", "Oro SA"]
