"""Duplicate candidates for a record being typed (dedupe/candidates.py), on a real database:
found by email, phone, name and domain, scored by the engine, and never a record or a field
the viewer may not see."""

from __future__ import annotations

import pytest

from sambandh.accounts import policy
from sambandh.dedupe.candidates import LIMIT, candidates_for, duplicates_above_threshold
from sambandh.dedupe.engine.scan import THRESHOLD
from tests import factories

pytestmark = pytest.mark.django_db


def _asha(owner, **extra):
    return factories.make_person(
        owner,
        full_name="Asha Rao",
        email="asha@example.in",
        phone="+91 98765 43210",
        **extra,
    )


def test_a_typed_email_finds_the_person_with_it(owner):
    # given Asha and someone else
    asha = _asha(owner)
    factories.make_person(owner, full_name="Ravi Kumar", email="ravi@example.in")
    # when another name is typed with Asha's email, written another way
    found = candidates_for(
        viewer=owner, record_type="person", values={"email": "  ASHA@Example.IN "}
    )
    # then Asha alone is the candidate, with the email as the reason and her email shown
    assert [(c.id, c.name, c.detail) for c in found] == [(asha.pk, "Asha Rao", "asha@example.in")]
    assert found[0].score >= THRESHOLD
    assert found[0].reasons == ["Email: same"]
    assert found[0].url == f"/people/{asha.pk}/"


def test_a_phone_typed_in_national_form_finds_the_person(owner):
    asha = _asha(owner)
    found = candidates_for(
        viewer=owner,
        record_type="person",
        values={"full_name": "A. Rao", "phone": "098765 43210", "country": "IN"},
    )
    assert [c.id for c in found] == [asha.pk]
    assert "Phone: same" in found[0].reasons


def test_a_name_typed_finds_the_person_through_the_search_index(owner):
    asha = _asha(owner)
    found = candidates_for(viewer=owner, record_type="person", values={"full_name": "asha rao"})
    assert [c.id for c in found] == [asha.pk]
    assert found[0].reasons[:2] == ["Given name: same", "Family name: same"]


def test_nothing_alike_finds_nothing_and_half_typed_values_are_not_refused(owner):
    _asha(owner)
    for values in (
        {"full_name": "Zed Quill", "email": "zed@quill.example"},
        {"email": "asha@", "phone": "+91 98"},  # not yet whole: nothing to look up
        {"full_name": "", "email": ""},
        {"full_name": "x" * 1000, "email": 5, "phones": "not a list"},
    ):
        assert candidates_for(viewer=owner, record_type="person", values=values) == []


def test_the_best_come_first_and_at_most_five(owner):
    # given seven people named alike, one of them with the typed email too
    same_email = factories.make_person(owner, full_name="Meera Iyer", email="meera@example.in")
    for _ in range(6):
        factories.make_person(owner, full_name="Meera Iyer")
    found = candidates_for(
        viewer=owner,
        record_type="person",
        values={"full_name": "Meera Iyer", "email": "meera@example.in"},
    )
    assert len(found) == LIMIT
    assert found[0].id == same_email.pk
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_a_hidden_duplicate_is_never_named(owner, outsider, teammate):
    # given Asha, owned by the owner, whom the outsider and a teammate may not see
    _asha(owner)
    values = {"full_name": "Asha Rao", "email": "asha@example.in", "phone": "+919876543210"}
    # then the outsider and the teammate get no candidate at all, and the owner gets Asha
    assert candidates_for(viewer=outsider, record_type="person", values=values) == []
    assert candidates_for(viewer=teammate, record_type="person", values=values) == []
    assert len(candidates_for(viewer=owner, record_type="person", values=values)) == 1
    assert duplicates_above_threshold(viewer=outsider, record_type="person", values=values) == []


def test_a_field_hidden_from_the_viewer_is_neither_matched_nor_shown(owner, admin_user):
    # given Asha, and emails hidden from sales reps
    from sambandh.accounts.services_access import field_permission_set

    asha = _asha(owner)
    field_permission_set(
        actor=admin_user,
        record_type="person",
        field="emails",
        hidden_from=["sales_rep"],
        read_only_for=[],
    )
    policy.forget_field_access(owner)  # as a new request would read it
    # when the owner types Asha's email alone
    found = candidates_for(viewer=owner, record_type="person", values={"email": "asha@example.in"})
    # then nothing is found by it
    assert found == []
    # and when the name finds her, the email neither scores nor shows
    found = candidates_for(
        viewer=owner,
        record_type="person",
        values={"full_name": "Asha Rao", "email": "asha@example.in"},
    )
    assert [c.id for c in found] == [asha.pk]
    assert found[0].detail == ""
    assert not any(r.startswith("Email") for r in found[0].reasons)
    # while an admin, who sees emails, is told of the email
    seen = candidates_for(
        viewer=admin_user,
        record_type="person",
        values={"full_name": "Asha Rao", "email": "asha@example.in"},
    )
    assert "Email: same" in seen[0].reasons


def test_an_organization_is_found_by_its_domain_and_its_name(owner, outsider):
    acme = factories.make_organization(owner, name="Acme Pvt Ltd", domain="acme.in")
    by_domain = candidates_for(
        viewer=owner,
        record_type="organization",
        values={"name": "ACME India", "website": "https://www.acme.in/about"},
    )
    assert [(c.id, c.detail) for c in by_domain] == [(acme.pk, "acme.in")]
    assert "Domain: same" in by_domain[0].reasons
    by_name = candidates_for(
        viewer=owner, record_type="organization", values={"name": "Acme Pvt. Ltd."}
    )
    assert [c.id for c in by_name] == [acme.pk]
    assert by_name[0].url == f"/organizations/{acme.pk}/"
    # and the outsider, who may not see Acme, is told nothing
    assert (
        candidates_for(
            viewer=outsider,
            record_type="organization",
            values={"name": "Acme Pvt Ltd", "domain": "acme.in"},
        )
        == []
    )


def test_the_lookup_reads_a_bounded_number_of_queries(owner, django_assert_max_num_queries):
    _asha(owner)
    values = {"full_name": "Asha Rao", "email": "asha@example.in", "phone": "+919876543210"}
    candidates_for(viewer=owner, record_type="person", values=values)  # warm the caches
    with django_assert_max_num_queries(8):
        found = candidates_for(viewer=owner, record_type="person", values=values)
    assert len(found) == 1


# --- a lead's candidates: leads, and the people it already is ------------------------------------
def test_a_lead_finds_the_person_it_already_is_and_the_lead_with_its_phone(owner):
    # given Asha, a person, and an earlier lead with Asha's phone
    asha = _asha(owner)
    earlier = factories.make_lead(
        owner, full_name="Asha R", phone="+91 98765 43210", company="Acme"
    )
    # when a lead is typed with her email and phone
    found = candidates_for(
        viewer=owner,
        record_type="lead",
        values={"full_name": "Asha Rao", "email": "asha@example.in", "phone": "+919876543210"},
    )
    # then both are candidates, each of its own type and page
    by_type = {c.record_type: c for c in found}
    assert set(by_type) == {"person", "lead"}
    assert by_type["person"].id == asha.pk and by_type["person"].url == f"/people/{asha.pk}/"
    assert by_type["person"].created_type == "lead"
    assert by_type["lead"].id == earlier.pk and by_type["lead"].url == f"/leads/{earlier.pk}/"
    assert by_type["lead"].created_type == ""
    assert "Email: same" in by_type["person"].reasons
    assert "Phone: same" in by_type["lead"].reasons
    assert (
        duplicates_above_threshold(
            viewer=owner,
            record_type="lead",
            values={"full_name": "A. Rao", "email": "ASHA@example.in"},
        )[0].id
        == asha.pk
    )


def test_a_leads_hidden_candidates_and_fields_are_never_read(owner, outsider, admin_user):
    from sambandh.accounts.services_access import field_permission_set

    factories.make_lead(owner, full_name="Meera Lead", email="meera@example.in")
    factories.make_person(owner, full_name="Meera Person", email="meera@example.in")
    values = {"full_name": "Someone", "email": "meera@example.in"}
    # the outsider may see neither
    assert candidates_for(viewer=outsider, record_type="lead", values=values) == []
    # and with the lead's email hidden from sales reps, the owner finds only the person by it
    field_permission_set(
        actor=admin_user,
        record_type="lead",
        field="email",
        hidden_from=["sales_rep"],
        read_only_for=[],
    )
    policy.forget_field_access(owner)
    found = candidates_for(viewer=owner, record_type="lead", values=values)
    assert [(c.record_type, c.name) for c in found] == []  # the typed email is the lead's field
    found = candidates_for(viewer=admin_user, record_type="lead", values=values)
    assert {(c.record_type, c.name) for c in found} == {
        ("lead", "Meera Lead"),
        ("person", "Meera Person"),
    }


@pytest.mark.parametrize("others", [0, 12])
def test_a_lead_candidate_lookup_reads_a_bounded_number_of_queries(
    owner, django_assert_max_num_queries, others
):
    # given Asha as a person and a lead, and some namesakes of each
    _asha(owner)
    factories.make_lead(owner, full_name="Asha Rao", email="asha@example.in")
    for n in range(others):
        factories.make_lead(owner, full_name="Asha Rao", phone=f"+91 98765 000{n:02d}")
        factories.make_person(owner, full_name="Asha Rao")
    values = {"full_name": "Asha Rao", "email": "asha@example.in", "phone": "+919876543210"}
    candidates_for(viewer=owner, record_type="lead", values=values)  # the viewer's caches
    # then each type costs at most its email, phone and name lookups (the search index may
    # answer the name in one query or two) and one read of what they found: never one per hit
    with django_assert_max_num_queries(10):
        found = candidates_for(viewer=owner, record_type="lead", values=values)
    assert {c.record_type for c in found} == {"lead", "person"}
