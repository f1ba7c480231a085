from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sambandh.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # After every record type is registered (this app comes after the domain apps): the
        # handlers subscribe to the "assigned" and "shared" events of each type that has them.
        from sambandh.notifications import handlers, jobs  # noqa: F401

        handlers.subscribe_all()
        from sambandh.core.references import Reference, register_reference

        # A merge moves what the notifications link to, to the kept record.
        register_reference(Reference("notifications.Notification"))
