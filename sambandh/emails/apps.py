from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailsConfig(AppConfig):
    name = "sambandh.emails"
    label = "emails"
    verbose_name = _("Emails")

    def ready(self) -> None:
        # The scheduled sweep that picks up emails a lost enqueue or a dead worker left behind.
        from sambandh.emails import jobs  # noqa: F401
