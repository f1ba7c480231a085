from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "sambandh.contacts"
    label = "contacts"
    verbose_name = _("Contacts")
    nav_order = 20
    nav_items = [
        ("contacts:person_list", _("People"), "person"),
        ("contacts:organization_list", _("Organizations"), "organization"),
    ]

    def ready(self) -> None:
        from sambandh.contacts import handlers  # noqa: F401 - subscribes the contacts handlers
        from sambandh.contacts.records import ORGANIZATION, PERSON
        from sambandh.core.registry import register

        register(PERSON)
        register(ORGANIZATION)
