"""The Ctrl+K palette's results and the full results page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db

PALETTE = reverse("search:palette")
RESULTS = reverse("search:results")


@pytest.fixture
def signed_in(owner):
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def records(owner):
    org = make_organization(owner, name="Tata Motors", domain="tatamotors.com")
    person = make_person(owner, full_name="Asha Rao", phone="+919876543210", organization_id=org.pk)
    return org, person


def test_the_palette_lists_hits_grouped_by_type_with_links(signed_in, records):
    org, person = records
    # when the owner types the company name into the palette
    resp = signed_in.get(PALETTE, {"q": "tata"}, headers={"HX-Request": "true"})
    # then the partial has one group per type, in the order of their best hit, and links
    assert resp.status_code == 200
    assert [t.name for t in resp.templates][:1] == ["search/_palette_results.html"]
    html = resp.content.decode()
    assert html.index(">Organizations</h3>") < html.index(">People</h3>")
    assert f'<a class="palette-item" href="/organizations/{org.pk}/"' in html
    assert f'<a class="palette-item" href="/people/{person.pk}/"' in html
    assert html.count('class="palette-item"') == 3  # two hits and "all results"
    assert f'href="{RESULTS}?q=tata"' in html
    assert "<svg" in html  # the type icons
    assert "<html" not in html


def test_the_palette_finds_by_phone_number(signed_in, records):
    _org, person = records
    resp = signed_in.get(PALETTE, {"q": "98765 43210"})
    html = resp.content.decode()
    assert f'href="/people/{person.pk}/"' in html
    assert html.count('class="palette-item"') == 2


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type a name, email, phone number or company."),
        ("t", "Keep typing: at least two letters."),
        ("zzqx", "Nothing found for “zzqx”."),
    ],
)
def test_the_palette_says_why_there_is_nothing(signed_in, records, q, message):
    resp = signed_in.get(PALETTE, {"q": q})
    html = resp.content.decode()
    assert message in html
    assert 'class="palette-item"' not in html


def test_the_query_is_escaped_in_the_empty_state(signed_in):
    resp = signed_in.get(PALETTE, {"q": "<script>alert(1)</script>"})
    html = resp.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_palette_shows_an_outsider_nothing_of_the_owners(outsider, records):
    client = Client()
    client.force_login(outsider)
    html = client.get(PALETTE, {"q": "tata"}).content.decode()
    assert "Tata Motors" not in html and "Asha" not in html
    assert "Nothing found for “tata”." in html


def test_the_palette_and_the_page_need_a_login(records):
    client = Client()
    for url in (PALETTE, RESULTS):
        resp = client.get(url, {"q": "tata"})
        assert resp.status_code == 302
        assert resp["Location"].startswith(reverse("login"))


def test_the_results_page_has_a_form_and_the_results(signed_in, records):
    org, person = records
    resp = signed_in.get(RESULTS, {"q": "tata"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'name="q"' in html and 'value="tata"' in html
    assert f'href="/organizations/{org.pk}/"' in html
    assert f'href="/people/{person.pk}/"' in html
    assert "2 results" in html


def test_the_results_page_narrows_to_one_type(signed_in, records):
    org, person = records
    html = signed_in.get(RESULTS, {"q": "tata", "type": "person"}).content.decode()
    assert f'href="/people/{person.pk}/"' in html
    assert f'href="/organizations/{org.pk}/"' not in html
    assert '<option value="person" selected>' in html


def test_the_results_page_escapes_the_query_in_its_empty_state(signed_in):
    html = signed_in.get(RESULTS, {"q": "<b>zzqx&"}).content.decode()
    assert "Nothing found for “&lt;b&gt;zzqx&amp;”" in html
    assert "<b>zzqx" not in html


def test_the_results_page_without_a_query_invites_a_search(signed_in):
    html = signed_in.get(RESULTS).content.decode()
    assert "Find anyone or anything" in html
