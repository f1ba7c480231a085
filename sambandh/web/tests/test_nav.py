from __future__ import annotations

from types import SimpleNamespace

from django.test import RequestFactory

from sambandh.web.context_processors import shell
from sambandh.web.nav import NavItem, active_view_name, nav_items


def item(view_name: str, order: int = 10) -> NavItem:
    return NavItem(view_name=view_name, label=view_name, icon="home", order=order, app_label="x")


ITEMS = [
    item("home:index", 10),
    item("contacts:person_list", 20),
    item("contacts:organization_list", 20),
    item("sales:deal_board", 30),
    item("sales:lead_list", 30),
    item("activities:my_tasks", 40),
]


def test_registry_collects_app_entries_in_nav_order():
    items = nav_items()
    assert items, "the domain apps declare nav_items"
    orders = [entry.order for entry in items]
    assert orders == sorted(orders)
    assert all(":" in entry.view_name for entry in items)


def test_exact_url_name_is_active():
    assert active_view_name(ITEMS, "sales", "lead_list") == "sales:lead_list"


def test_detail_page_lights_up_its_list_by_entity():
    assert active_view_name(ITEMS, "contacts", "person_detail") == "contacts:person_list"
    assert active_view_name(ITEMS, "contacts", "organization_edit") == "contacts:organization_list"
    assert active_view_name(ITEMS, "sales", "deal_detail") == "sales:deal_board"


def test_other_pages_of_a_namespace_fall_back_to_its_first_entry():
    assert active_view_name(ITEMS, "activities", "task_edit") == "activities:my_tasks"


def test_pages_outside_the_registry_light_up_nothing():
    assert active_view_name(ITEMS, "", "health") is None
    assert active_view_name(ITEMS, "admin", "index") is None
    assert active_view_name(ITEMS, "", "") is None


def test_context_processor_marks_one_entry_active_and_hides_unroutable_ones(monkeypatch):
    # Given a registry with one routable entry and one whose URL is not wired yet
    routable = item("login", 10)
    missing = item("nowhere:at_all", 20)
    monkeypatch.setattr("sambandh.web.context_processors.nav_items", lambda: [routable, missing])
    request = RequestFactory().get("/login/")
    request.resolver_match = SimpleNamespace(namespace="", url_name="login")
    # When the shell context is built
    entries = shell(request)["nav_items"]
    # Then only the routable entry is shown, and it is the active one
    assert [(e["view_name"], e["active"]) for e in entries] == [("login", True)]
    assert entries[0]["url"] == "/login/"


def test_an_entry_that_requires_an_attribute_shows_only_to_users_who_have_it(monkeypatch):
    # Given an entry for everyone and one that requires ``is_admin``
    everyone = item("login", 10)
    admins_only = NavItem(
        view_name="logout",
        label="Settings",
        icon="settings",
        order=90,
        app_label="x",
        requires="is_admin",
    )
    monkeypatch.setattr(
        "sambandh.web.context_processors.nav_items", lambda: [everyone, admins_only]
    )

    def entries_for(user: object) -> list[str]:
        request = RequestFactory().get("/logout/")
        request.user = user  # type: ignore[assignment]
        request.resolver_match = SimpleNamespace(namespace="", url_name="logout")  # type: ignore[assignment]
        return [e["view_name"] for e in shell(request)["nav_items"]]

    # Then a user without the attribute, or with it false, sees only the first
    assert entries_for(SimpleNamespace()) == ["login"]
    assert entries_for(SimpleNamespace(is_admin=False)) == ["login"]
    # and one with it true sees both
    assert entries_for(SimpleNamespace(is_admin=True)) == ["login", "logout"]


def test_apps_may_declare_a_fourth_element():
    settings_entry = next(i for i in nav_items() if i.view_name == "administration:index")
    assert settings_entry.requires == "is_admin"
    privacy_entry = next(i for i in nav_items() if i.app_label == "privacy")
    assert privacy_entry.requires == "is_admin"
    duplicates_entry = next(i for i in nav_items() if i.app_label == "dedupe")
    assert duplicates_entry.requires == "can_review_duplicates"
    restricted = {"administration", "privacy", "dedupe"}
    assert all(i.requires == "" for i in nav_items() if i.app_label not in restricted)
