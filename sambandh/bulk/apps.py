from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkConfig(AppConfig):
    name = "sambandh.bulk"
    label = "bulk"
    verbose_name = _("Bulk actions")

    def ready(self) -> None:
        # The scheduled sweep that picks up jobs a dead worker left behind.
        from sambandh.bulk import jobs  # noqa: F401
