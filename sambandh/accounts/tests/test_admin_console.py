"""Django's admin console shows users, teams and tokens and changes none of them: every change
goes through the services, which keep an active administrator and write the audit row."""

from __future__ import annotations

import pytest

from sambandh.accounts.models import Team, User
from sambandh.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_console_shows_a_user_but_cannot_deactivate_the_last_admin(client, admin_user):
    # given the only administrator, signed in
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{admin_user.pk}/change/"
    # when they open their own row in the console
    page = client.get(url)
    # then they see it, read-only
    assert page.status_code == 200
    assert admin_user.email in page.content.decode()
    assert 'name="is_active"' not in page.content.decode()
    # and when they post a change anyway, it is refused and nothing changes
    audits = AuditEvent.objects.count()
    resp = client.post(url, {"email": admin_user.email, "role": "rep", "is_active": ""})
    assert resp.status_code == 403
    admin_user.refresh_from_db()
    assert (admin_user.is_active, admin_user.role) == (True, "admin")
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize(
    "url",
    ["/admin/accounts/user/add/", "/admin/accounts/team/add/", "/admin/accounts/apitoken/add/"],
)
def test_the_console_adds_nothing(client, admin_user, url):
    client.force_login(admin_user)
    users, teams = User.objects.count(), Team.objects.count()
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": "new@example.com", "name": "New"}).status_code == 403
    assert (User.objects.count(), Team.objects.count()) == (users, teams)


def test_the_console_deletes_no_user(client, admin_user, owner):
    client.force_login(admin_user)
    resp = client.post(f"/admin/accounts/user/{owner.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 403
    assert User.objects.filter(pk=owner.pk).exists()


def test_only_administrators_see_the_console_rows(client, owner):
    client.force_login(owner)
    # a sales rep is not staff: the console sends them to its login page
    resp = client.get("/admin/accounts/user/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/admin/login/")
