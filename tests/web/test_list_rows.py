"""The people and organization lists write their rows in Python (web/rows.py): every value is
escaped, the cells follow the head's columns, and hidden columns are not written."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & Co\'s'


def _cells_of_first_row(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    row = body.split("<tr>", 2)[1]
    return re.findall(r"<td[ >]", row)


def test_people_rows_escape_every_value(owner, browser_for):
    # given a person and an organization whose names and title are markup
    org = factories.make_organization(owner, name=HOSTILE)
    factories.make_person(
        owner, full_name=HOSTILE, job_title=HOSTILE, organization_id=org.pk, tags=[HOSTILE]
    )

    # when the owner opens the people list with the tags column
    html = browser_for(owner).get(reverse("contacts:person_list") + "?cols=organization,tags")
    text = html.content.decode()

    # then no value came through as markup, and each is there escaped
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#x27;s" in text
    assert text.count("&lt;script&gt;") >= 4  # name, title, organization, tag


def test_organization_rows_escape_and_follow_the_chosen_columns(owner, browser_for):
    factories.make_organization(owner, name=HOSTILE, domain="kestrel.test", industry="A&B")

    response = browser_for(owner).get(reverse("contacts:organization_list") + "?cols=industry")
    text = response.content.decode()

    assert "<script>" not in text
    assert "A&amp;B" in text
    assert "kestrel.test" not in text  # the domain column was not chosen
    # the bulk box, the name and the one chosen column
    assert len(_cells_of_first_row(text)) == 3
