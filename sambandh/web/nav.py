"""The sidebar's registry: each domain app declares its own entries on its AppConfig.

    class ContactsConfig(AppConfig):
        nav_order = 20
        nav_items = [("contacts:person_list", _("People"), "person")]

An entry may name, as a 4th element, an attribute of the signed-in user that must be true for
the entry to show (``("administration:index", _("Settings"), "settings", "is_admin")``).

The shell reads them here, so it never imports a domain app and a new app needs no edit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

DEFAULT_ORDER = 1000


@dataclass(frozen=True)
class NavItem:
    view_name: str  # "namespace:url_name"
    label: str | Promise
    icon: str
    order: int
    app_label: str
    #: An attribute of the user that must be true for the entry to show ("" shows it to all).
    requires: str = ""

    @property
    def namespace(self) -> str:
        return self.view_name.rpartition(":")[0]

    @property
    def url_name(self) -> str:
        return self.view_name.rpartition(":")[2]

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.view_name)
        except NoReverseMatch:
            # An app may declare an entry before its URLs are wired; hide it, don't crash pages.
            return None

    def shown_to(self, user: Any) -> bool:
        return not self.requires or bool(getattr(user, self.requires, False))


def nav_items() -> list[NavItem]:
    """Every app's entries, in `nav_order`, then the order each app lists them."""
    collected: list[NavItem] = []
    for config in apps.get_app_configs():
        entries = getattr(config, "nav_items", None)
        if not entries:
            continue
        order = int(getattr(config, "nav_order", DEFAULT_ORDER))
        for view_name, label, icon, *rest in entries:
            collected.append(
                NavItem(
                    view_name=view_name,
                    label=label,
                    icon=icon,
                    order=order,
                    app_label=config.label,
                    requires=rest[0] if rest else "",
                )
            )
    # sorted() is stable, so entries of one app keep the order the app gave them.
    return sorted(collected, key=lambda item: item.order)


def _entity(url_name: str) -> str:
    # "person_list" and "person_detail" share the entity "person"; "my_tasks" is its own.
    return url_name.split("_", 1)[0]


def active_view_name(items: list[NavItem], namespace: str, url_name: str) -> str | None:
    """Which entry the current page belongs to.

    An exact match wins; then an entry of the same namespace naming the same entity (a person's
    detail page lights up "People"); then the first entry of the namespace.
    """
    if not namespace and not url_name:
        return None
    current = f"{namespace}:{url_name}" if namespace else url_name
    same_namespace = [item for item in items if item.namespace == namespace]
    for item in items:
        if item.view_name == current:
            return item.view_name
    for item in same_namespace:
        if _entity(item.url_name) == _entity(url_name):
            return item.view_name
    if namespace and same_namespace:
        return same_namespace[0].view_name
    return None
