"""The tabs of the settings area, in one place: a new settings page adds its tab here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any
    url_name: str = ""
    #: A literal path, for a page whose URL is not wired in this app yet.
    path: str = ""

    @property
    def url(self) -> str:
        return self.path or reverse(self.url_name)


TABS: tuple[Tab, ...] = (
    Tab("users", _("Users"), "administration:users"),
    Tab("teams", _("Teams"), "administration:teams"),
    Tab("pipelines", _("Pipelines"), "administration:pipelines"),
    Tab("company", _("Company"), "administration:company"),
    Tab("rates", _("Exchange rates"), "administration:rates"),
    Tab("fields", _("Field permissions"), "administration:fields"),
    Tab("custom_fields", _("Custom fields"), "administration:custom_fields"),
    Tab("jobs", _("Jobs"), "administration:jobs"),
    Tab("audit", _("Audit log"), "administration:audit"),
)
