"""Duplicate candidates beside the person, organization and lead create forms (htmx, debounced):
the watched fields ask for them, the answer names only what the viewer may see, and the edit
forms do not ask."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PEOPLE = reverse("dedupe:person_candidates")
ORGANIZATIONS = reverse("dedupe:organization_candidates")
LEADS = reverse("dedupe:lead_candidates")


def test_the_person_create_form_watches_name_email_and_phone(owner, browser_for):
    page = browser_for(owner).get(reverse("contacts:person_create")).content.decode()
    # a live region beside the form, announced politely
    assert '<div id="duplicate-candidates" class="dupcheck" aria-live="polite"></div>' in page
    for name in ("given_name", "family_name", "full_name", "email_0", "phone_0"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert f'hx-get="{PEOPLE}"' in tag
        assert 'hx-trigger="input changed delay:400ms"' in tag
        assert 'hx-target="#duplicate-candidates"' in tag
        assert "data-dupcheck" in tag
    job = re.search(r'<input[^>]*name="job_title"[^>]*>', page).group(0)
    assert "hx-get" not in job


def test_the_edit_forms_do_not_ask_for_candidates(owner, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    org = factories.make_organization(owner, name="Acme")
    client = browser_for(owner)
    for url in (
        reverse("contacts:person_edit", args=[person.pk]),
        reverse("contacts:organization_edit", args=[org.pk]),
    ):
        page = client.get(url).content.decode()
        assert "duplicate-candidates" not in page
        assert "/duplicates/candidates/" not in page


def test_the_organization_create_form_watches_name_and_domain(owner, browser_for):
    page = browser_for(owner).get(reverse("contacts:organization_create")).content.decode()
    assert 'id="duplicate-candidates"' in page
    for name in ("name", "domain", "website"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert f'hx-get="{ORGANIZATIONS}"' in tag


def test_a_typed_email_shows_the_person_with_it_and_a_link_to_open_them(owner, browser_for):
    asha = factories.make_person(owner, full_name="Asha Rao", email="asha@example.in")
    resp = browser_for(owner).get(PEOPLE, {"full_name": "A", "email_0": "ASHA@example.in"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Possible duplicates:" in html
    assert (
        f'<a href="/people/{asha.pk}/" data-panel="/panel/person/{asha.pk}/">Asha Rao</a>' in html
    )
    assert "(asha@example.in)" in html
    assert "Email: same" in html


def test_nothing_alike_answers_an_empty_region(owner, browser_for):
    factories.make_person(owner, full_name="Asha Rao", email="asha@example.in")
    resp = browser_for(owner).get(PEOPLE, {"full_name": "Zed Quill", "email_0": "zed@q.example"})
    assert resp.status_code == 200
    assert resp.content.decode().strip() == ""


def test_a_hidden_duplicate_is_never_named(owner, outsider, browser_for):
    factories.make_person(outsider, full_name="Oscar Hidden", email="oscar@hidden.example")
    factories.make_organization(outsider, name="Hidden Ltd", domain="hidden.example")
    client = browser_for(owner)
    people = client.get(
        PEOPLE, {"full_name": "Oscar Hidden", "email_0": "oscar@hidden.example"}
    ).content
    orgs = client.get(ORGANIZATIONS, {"name": "Hidden Ltd", "domain": "hidden.example"}).content
    assert people.strip() == b"" and orgs.strip() == b""


def test_an_organization_with_the_typed_domain_is_shown(owner, browser_for):
    acme = factories.make_organization(owner, name="Acme Pvt Ltd", domain="acme.in")
    html = browser_for(owner).get(ORGANIZATIONS, {"name": "Acme", "domain": "ACME.in"}).content
    assert f'href="/organizations/{acme.pk}/"'.encode() in html
    assert b"(acme.in)" in html


@pytest.mark.parametrize(
    "query",
    [
        {"email_0": "x" * 5000},
        {"full_name": "\x00\u202e<script>alert(1)</script>"},
        {"phone_0": "+++", "country": "ZZZ"},
        {"email_0": ["a@b.example", "c@d.example"]},
    ],
)
def test_hostile_input_answers_a_page_never_a_500(owner, browser_for, query):
    resp = browser_for(owner).get(PEOPLE, query)
    assert resp.status_code == 200
    assert b"<script>" not in resp.content


def test_a_post_is_refused(owner, browser_for):
    assert browser_for(owner).post(PEOPLE, {"full_name": "Asha"}).status_code == 405


def test_the_forms_country_reads_a_national_phone(owner, browser_for):
    # the form's country select goes with the watched fields, so a national number is read in it
    page = browser_for(owner).get(reverse("contacts:person_create")).content.decode()
    assert re.search(r'<select name="country"[^>]*data-dupcheck', page)
    jonas = factories.make_person(owner, full_name="Jonas Weber", phone="+49 30 1234567")
    html = browser_for(owner).get(PEOPLE, {"phone_0": "030 1234567", "country": "DE"}).content
    assert f'href="/people/{jonas.pk}/"'.encode() in html


def test_the_lead_create_form_watches_name_company_email_and_phone(owner, browser_for):
    page = browser_for(owner).get(reverse("sales:lead_create")).content.decode()
    assert '<div id="duplicate-candidates" class="dupcheck" aria-live="polite"></div>' in page
    for name in ("full_name", "company", "email", "phone"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert f'hx-get="{LEADS}"' in tag
        assert 'hx-target="#duplicate-candidates"' in tag
        assert "data-dupcheck" in tag
    country = re.search(r'<select[^>]*name="country"[^>]*>', page).group(0)
    assert "data-dupcheck" in country and "hx-get" not in country
    source = re.search(r'<input[^>]*name="source"[^>]*>', page).group(0)
    assert "hx-get" not in source
    # and the lead's edit form does not ask
    lead = factories.make_lead(owner, full_name="Asha Rao")
    edit = browser_for(owner).get(reverse("sales:lead_edit", args=[lead.pk])).content.decode()
    assert "duplicate-candidates" not in edit


def test_a_lead_typed_shows_the_person_it_already_is_and_the_lead_alike(owner, browser_for):
    asha = factories.make_person(owner, full_name="Asha Rao", email="asha@example.in")
    earlier = factories.make_lead(owner, full_name="Asha Rao", email="asha@example.in")
    html = (
        browser_for(owner)
        .get(LEADS, {"full_name": "Asha Rao", "email": "ASHA@example.in", "company": "Acme"})
        .content.decode()
    )
    assert "Possible duplicates:" in html
    assert (
        f'<a href="/people/{asha.pk}/" data-panel="/panel/person/{asha.pk}/">Asha Rao</a> '
        '<span class="badge badge-gray">already a contact</span>' in html
    )
    assert (
        f'<a href="/leads/{earlier.pk}/" data-panel="/panel/lead/{earlier.pk}/">Asha Rao</a>'
        in html
    )
    assert html.count("already a contact") == 1


def test_a_lead_or_person_hidden_from_the_viewer_is_never_named(owner, outsider, browser_for):
    factories.make_person(outsider, full_name="Oscar Hidden", email="oscar@hidden.example")
    factories.make_lead(outsider, full_name="Olga Hidden", email="oscar@hidden.example")
    resp = browser_for(owner).get(LEADS, {"full_name": "O Hidden", "email": "oscar@hidden.example"})
    assert resp.status_code == 200
    assert resp.content.strip() == b""


@pytest.mark.parametrize(
    "query",
    [{"email": "x" * 5000}, {"company": "\x00<script>alert(1)</script>"}, {"phone": "+++"}],
)
def test_hostile_input_on_the_lead_candidates_answers_a_page(owner, browser_for, query):
    resp = browser_for(owner).get(LEADS, query)
    assert resp.status_code == 200
    assert b"<script>" not in resp.content
