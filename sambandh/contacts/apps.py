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
        _declare_merge_rules()


def _declare_merge_rules() -> None:
    """Rows that repeat each other once a merge moves them to one record (core/references.py):
    the same email, phone, address or profile, an affiliation with the same organization."""
    from sambandh.core.references import declare_same

    for owner in ("person", "organization"):
        declare_same("contacts.EmailAddress", owner, ("email",))
        declare_same("contacts.PhoneNumber", owner, ("e164",))
        declare_same(
            "contacts.PostalAddress",
            owner,
            ("street", "city", "region", "postal_code", "country"),
        )
        declare_same("contacts.SocialHandle", owner, ("network", "handle"))
    declare_same("contacts.Affiliation", "person", ("organization_id", "ended_on"))
    declare_same("contacts.Affiliation", "organization", ("person_id", "ended_on"))
