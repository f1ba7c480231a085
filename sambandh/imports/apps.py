from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "sambandh.imports"
    label = "imports"
    verbose_name = _("Imports")
    # The data tools' entry: the wizard and the past imports (sambandh/imports/views*.py).
    nav_order = 790
    nav_items = [("imports:list", _("Import"), "list")]

    def ready(self) -> None:
        # The scheduled sweep that picks up imports a dead worker left behind.
        from sambandh.imports import jobs  # noqa: F401
