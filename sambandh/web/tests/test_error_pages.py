"""Errors answer a page in the shell's style, not Django's bare text."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_missing_page_renders_the_404_template(owner):
    client = Client()
    client.force_login(owner)
    response = client.get("/people/999999/")
    assert response.status_code == 404
    assert (
        "This page does not exist, or it is a record you may not see." in response.content.decode()
    )


def test_forbidden_write_renders_the_403_template(owner, readonly):
    from tests.factories import make_person

    person = make_person(owner, full_name="Read but not written")
    client = Client()
    client.force_login(readonly)
    response = client.get(f"/people/{person.pk}/edit/")
    assert response.status_code == 403
    assert "Your role or the sharing of this record does not allow it." in response.content.decode()
