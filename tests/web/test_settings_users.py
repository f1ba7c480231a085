"""Settings pages for administrators: who gets in, the sidebar entry, users (invitations, name and
role, deactivation, reassigning records) and the company's defaults."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from sambandh.accounts.models import CompanySettings, Role, Team, TeamMembership, User
from sambandh.accounts.services import company_settings_update
from sambandh.contacts.models import Organization, Person
from sambandh.core.models import AuditEvent
from sambandh.sales.models import Deal, Lead, Pipeline
from tests import factories
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

PAGES = [
    "/settings/",
    "/settings/users/",
    "/settings/users/invite/",
    "/settings/users/{user}/",
    "/settings/teams/",
    "/settings/teams/{team}/",
    "/settings/teams/{team}/delete/",
    "/settings/pipelines/",
    "/settings/pipelines/new/",
    "/settings/pipelines/{pipeline}/",
    "/settings/pipelines/{pipeline}/delete/",
    "/settings/company/",
]
# Every write of the settings area, with a body that would succeed for an admin.
WRITES = [
    ("/settings/users/invite/", {"email": "x@example.com", "role": "admin"}),
    ("/settings/users/{user}/", {"action": "save", "full_name": "X", "role": "admin"}),
    ("/settings/users/{user}/", {"action": "deactivate"}),
    ("/settings/users/{user}/", {"action": "reassign", "to_user": "{me}"}),
    ("/settings/users/{user}/", {"action": "resend"}),
    ("/settings/teams/", {"name": "Mine"}),
    ("/settings/teams/{team}/", {"action": "save", "name": "Mine", "parent": ""}),
    ("/settings/teams/{team}/", {"action": "add_member", "user": "{me}"}),
    ("/settings/teams/{team}/", {"action": "remove_member", "user_id": "{user}"}),
    ("/settings/teams/{team}/delete/", {}),
    ("/settings/pipelines/new/", {"name": "P", "stage_name": "A", "stage_kind": "open"}),
    ("/settings/pipelines/{pipeline}/", {"name": "P", "stage_name": "A", "version": "1"}),
    ("/settings/pipelines/{pipeline}/default/", {"version": "1"}),
    ("/settings/pipelines/{pipeline}/delete/", {"version": "1"}),
    ("/settings/company/", {"language": "de", "time_zone": "UTC", "currency": "EUR"}),
]


def everything() -> dict[str, Any]:
    """Every row the settings area could change, and the audit count."""
    return {
        "users": list(User.objects.order_by("pk").values()),
        "teams": list(Team.objects.order_by("pk").values()),
        "members": list(TeamMembership.objects.order_by("pk").values("team_id", "user_id")),
        "pipelines": list(Pipeline.objects.order_by("pk").values()),
        "company": list(CompanySettings.objects.values()),
        "people": list(Person.objects.order_by("pk").values("pk", "owner_id", "version")),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def ids(owner, team, pipeline) -> dict[str, Any]:
    factories.make_person(owner)
    return {"user": owner.pk, "team": team.pk, "pipeline": pipeline.pk}


def test_the_sidebar_shows_settings_to_admins_only(admin_user, owner, manager, browser_for):
    assert 'href="/settings/"' in text(browser_for(admin_user).get("/"))
    for user in (owner, manager):
        assert 'href="/settings/"' not in text(browser_for(user).get("/"))
    # and it lights up on every settings page
    body = text(browser_for(admin_user).get("/settings/teams/"))
    assert re.search(r'class="nav-link is-active" href="/settings/"', body)


def test_every_page_opens_for_an_admin(admin_user, ids, browser_for):
    client = browser_for(admin_user)
    for path in PAGES:
        response = client.get(path.format(**ids))
        expected = 302 if path == "/settings/" else 200
        assert response.status_code == expected, path
    assert client.get("/settings/").url == "/settings/users/"


@pytest.mark.parametrize("who", ["owner", "manager", "readonly"])
def test_everyone_else_gets_403_and_changes_nothing(
    request, who, ids, browser_for, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(who)
    client = browser_for(user)
    for path in PAGES:
        assert client.get(path.format(**ids)).status_code == 403, path
    before = everything()
    with django_capture_on_commit_callbacks(execute=True):
        for path, body in WRITES:
            data = {k: v.format(me=user.pk, **ids) for k, v in body.items()}
            assert client.post(path.format(**ids), data).status_code == 403, path
    assert everything() == before
    assert mail.outbox == []


def test_signed_out_visitors_are_sent_to_log_in(ids):
    response = Client().get("/settings/users/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


# --- users ---------------------------------------------------------------------------------------
def test_the_user_list(admin_user, owner, teammate, browser_for):
    factories.make_user(email="fresh@example.com", full_name="Fresh Face", password=None)
    gone = factories.make_user(email="gone@example.com", full_name="Gone Person")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    Client().post("/login/", {"username": owner.email, "password": "correct horse battery staple"})
    response = browser_for(admin_user).get("/settings/users/")
    body = text(response)
    rows = {u.email: u for u in response.context["users"]}
    assert (rows["owner@example.com"].status_label, rows["fresh@example.com"].status_label) == (
        "Active",
        "Invited",
    )
    assert rows["gone@example.com"].status_label == "Deactivated"
    assert "Sales India" in body and "Sales rep" in body
    assert f'href="/settings/users/{owner.pk}/"' in body
    # the owner logged in; the teammate never did
    owner.refresh_from_db()
    assert owner.last_login is not None
    assert body.count(">never<") == 3  # teammate, the invited and the deactivated user


def test_the_user_list_pages_and_searches(admin_user, browser_for, monkeypatch):
    from sambandh.administration import views_users

    monkeypatch.setattr(views_users, "USERS_PER_PAGE", 2)
    for n in range(3):
        factories.make_user(email=f"colleague{n}@example.com", full_name=f"Colleague {n}")
    client = browser_for(admin_user)
    # four users, two a page, by name: Ada Admin and Colleague 0 first
    first = client.get("/settings/users/")
    assert [u.full_name for u in first.context["users"]] == ["Ada Admin", "Colleague 0"]
    assert "1–2 of 4 users" in text(first)
    assert 'href="?page=2"' in first.content.decode()
    second = client.get("/settings/users/?page=2")
    assert [u.full_name for u in second.context["users"]] == ["Colleague 1", "Colleague 2"]
    # a page beyond the last shows the last; a bad one the first
    assert client.get("/settings/users/?page=99").context["page"].number == 2
    assert client.get("/settings/users/?page=x").context["page"].number == 1
    # the search box finds by name or email
    found = client.get("/settings/users/?q=colleague2@")
    assert [u.email for u in found.context["users"]] == ["colleague2@example.com"]
    assert "No user matches." in text(client.get("/settings/users/?q=nobody-at-all"))


def test_invite_through_the_page(admin_user, team, browser_for, django_capture_on_commit_callbacks):
    client = browser_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/settings/users/invite/",
            {
                "full_name": "Ines",
                "email": "ines@example.com",
                "role": "marketer",
                "teams": [team.pk],
            },
        )
    assert response.status_code == 302
    assert response.url == "/settings/users/"
    ines = User.objects.get(email="ines@example.com")
    assert (ines.role, ines.full_name, ines.has_usable_password()) == (Role.MARKETER, "Ines", False)
    assert list(ines.teams.values_list("pk", flat=True)) == [team.pk]
    assert [m.to for m in mail.outbox] == [["ines@example.com"]]
    assert "ines@example.com was invited" in text(client.get("/settings/users/"))


@pytest.mark.parametrize(
    "data,error",
    [
        (
            {"email": "owner@example.com", "role": "sales_rep"},
            "A user with this email already exists.",
        ),
        ({"email": "nope", "role": "sales_rep"}, "is not a valid email address"),
        ({"email": "x@example.com", "role": "emperor"}, "Select a valid choice."),
        (
            {"email": "x@example.com", "role": "sales_rep", "teams": ["987654"]},
            "Select a valid choice.",
        ),
    ],
)
def test_a_bad_invitation_shows_its_error_and_changes_nothing(
    admin_user, owner, browser_for, data, error, django_capture_on_commit_callbacks
):
    client = browser_for(admin_user)
    before = everything()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/users/invite/", data)
    assert response.status_code == 422
    assert error in text(response)
    assert everything() == before
    assert mail.outbox == []


def test_change_name_and_role(admin_user, owner, browser_for):
    client = browser_for(admin_user)
    response = client.post(
        f"/settings/users/{owner.pk}/",
        {"action": "save", "full_name": "Olivia Okafor", "role": "manager"},
    )
    assert (response.status_code, response.url) == (302, f"/settings/users/{owner.pk}/")
    owner.refresh_from_db()
    assert (owner.full_name, owner.role) == ("Olivia Okafor", Role.MANAGER)


def test_deactivate_and_reactivate(admin_user, owner, browser_for):
    person = factories.make_person(owner)
    client = browser_for(admin_user)
    response = client.post(f"/settings/users/{owner.pk}/", {"action": "deactivate"})
    assert response.status_code == 302
    assert User.objects.get(pk=owner.pk).is_active is False
    assert "can no longer log in" in text(client.get(response.url))
    login = {"username": owner.email, "password": "correct horse battery staple"}
    assert Client().post("/login/", login).status_code == 200  # stays on the login page
    assert Person.objects.get(pk=person.pk).owner_id == owner.pk
    client.post(f"/settings/users/{owner.pk}/", {"action": "reactivate"})
    assert Client().post("/login/", login).status_code == 302


@pytest.mark.parametrize(
    "data,field",
    [
        ({"action": "deactivate"}, "is_active"),
        ({"action": "save", "full_name": "Ada", "role": "manager"}, "role"),
    ],
)
def test_the_last_admin_is_kept(admin_user, browser_for, data, field):
    client = browser_for(admin_user)
    before = everything()
    response = client.post(f"/settings/users/{admin_user.pk}/", data)
    assert response.status_code == 422
    assert "This is the last active administrator." in text(response)
    if field == "role":  # shown on the field as well
        assert response.context["form"].errors["role"] == [
            "At least one active administrator must remain."
        ]
    assert everything() == before


def test_an_admin_who_steps_down_leaves_the_settings_area(admin_user, browser_for):
    factories.make_user("admin", email="second@example.com")
    client = browser_for(admin_user)
    response = client.post(
        f"/settings/users/{admin_user.pk}/",
        {"action": "save", "full_name": "Ada Admin", "role": "sales_rep"},
    )
    assert (response.status_code, response.url) == (302, "/")
    assert client.get("/settings/users/").status_code == 403


def test_resend_an_invitation(admin_user, browser_for, django_capture_on_commit_callbacks):
    invited = factories.make_user(email="later@example.com", password=None)
    client = browser_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/settings/users/{invited.pk}/", {"action": "resend"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["later@example.com"]]
    assert "/reset/" in mail.outbox[0].body


def test_no_invitation_for_someone_with_a_password(
    admin_user, owner, browser_for, django_capture_on_commit_callbacks
):
    client = browser_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/settings/users/{owner.pk}/", {"action": "resend"})
    assert response.status_code == 422
    assert "already chosen a password" in text(response)
    assert mail.outbox == []


def test_reassign_through_the_page(admin_user, owner, teammate, pipeline, browser_for):
    people = [factories.make_person(owner) for _ in range(2)]
    org = factories.make_organization(owner)
    deal = factories.make_deal(owner, pipeline)
    lead = factories.make_lead(owner)
    client = browser_for(admin_user)
    page = client.get(f"/settings/users/{owner.pk}/")
    counts = {c.record_type.key: c.count for c in page.context["owned"]}
    assert counts == {"person": 2, "organization": 1, "deal": 1, "lead": 1}
    response = client.post(
        f"/settings/users/{owner.pk}/", {"action": "reassign", "to_user": str(teammate.pk)}
    )
    assert response.status_code == 302
    assert "Moved to Tejas Teammate: People: 2 · Organizations: 1 · Deals: 1 · Leads: 1." in text(
        client.get(response.url)
    )
    for record in [*people, org, deal, lead]:
        assert type(record).objects.get(pk=record.pk).owner_id == teammate.pk
    assert all(
        not m.objects.filter(owner=owner).exists() for m in (Person, Organization, Deal, Lead)
    )


def test_reassigning_to_someone_not_offered_changes_nothing(
    admin_user, owner, teammate, browser_for
):
    factories.make_person(owner)
    User.objects.filter(pk=teammate.pk).update(is_active=False)
    client = browser_for(admin_user)
    before = everything()
    for target in (str(teammate.pk), str(owner.pk), "987654", ""):
        response = client.post(
            f"/settings/users/{owner.pk}/", {"action": "reassign", "to_user": target}
        )
        assert response.status_code == 422
        assert "Select a valid choice" in text(response) or "This field is required" in text(
            response
        )
    assert everything() == before


def test_a_missing_user_is_404(admin_user, browser_for):
    assert browser_for(admin_user).get("/settings/users/987654/").status_code == 404


# --- the company's defaults -----------------------------------------------------------------------
def test_company_defaults(admin_user, browser_for):
    client = browser_for(admin_user)
    page = client.get("/settings/company/")
    assert page.context["form"].initial == {
        "language": "en",
        "time_zone": "UTC",
        "currency": "USD",
        "require_admin_mfa": False,
        "version": 1,
    }
    response = client.post(
        "/settings/company/",
        {"language": "pt-br", "time_zone": "America/Sao_Paulo", "currency": "BRL", "version": "1"},
    )
    assert response.status_code == 302
    row = CompanySettings.objects.get()
    assert (row.language, row.time_zone, row.currency, row.version) == (
        "pt-br",
        "America/Sao_Paulo",
        "BRL",
        2,
    )
    # a stale form is a conflict, and changes nothing
    before = everything()
    response = client.post(
        "/settings/company/",
        {"language": "de", "time_zone": "UTC", "currency": "EUR", "version": "1"},
    )
    assert response.status_code == 409
    assert "changed by someone else" in text(response)
    assert everything() == before
    # and a bad value is named
    response = client.post(
        "/settings/company/",
        {"language": "de", "time_zone": "Nowhere/Else", "currency": "EUR", "version": "2"},
    )
    assert response.status_code == 422
    assert everything() == before


def test_company_defaults_apply_to_invitations_from_the_page(
    admin_user, browser_for, django_capture_on_commit_callbacks
):
    company_settings_update(
        actor=admin_user, language="gu", time_zone="Asia/Kolkata", currency="INR", version=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        browser_for(admin_user).post(
            "/settings/users/invite/", {"email": "guj@example.com", "role": "sales_rep"}
        )
    user = User.objects.get(email="guj@example.com")
    assert (user.language, user.time_zone, user.currency) == ("gu", "Asia/Kolkata", "INR")


def test_one_list_of_tabs_on_every_page(admin_user, ids, browser_for):
    from sambandh.administration.tabs import TABS

    assert [(t.key, t.url) for t in TABS] == [
        ("users", "/settings/users/"),
        ("teams", "/settings/teams/"),
        ("pipelines", "/settings/pipelines/"),
        ("company", "/settings/company/"),
        ("rates", "/settings/exchange-rates/"),
        ("fields", "/settings/fields/"),
        ("custom_fields", "/settings/custom-fields/"),
        ("jobs", "/settings/jobs/"),
        ("audit", "/settings/audit/"),
    ]
    client = browser_for(admin_user)
    for path, active in [
        ("/settings/users/{user}/", "Users"),
        ("/settings/teams/{team}/", "Teams"),
        ("/settings/pipelines/new/", "Pipelines"),
        ("/settings/company/", "Company"),
        ("/settings/exchange-rates/", "Exchange rates"),
    ]:
        body = text(client.get(path.format(**ids)))
        assert all(f'href="{t.url}"' in body for t in TABS)
        assert re.search(rf'class="tab is-active" href="[^"]+" aria-current="page">{active}<', body)
