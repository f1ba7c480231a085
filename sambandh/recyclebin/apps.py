from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecycleBinConfig(AppConfig):
    name = "sambandh.recyclebin"
    label = "recyclebin"
    verbose_name = _("Recycle bin")
    nav_order = 800
    nav_items = [("recyclebin:list", _("Recycle bin"), "trash")]

    def ready(self) -> None:
        from sambandh.recyclebin import (
            jobs,  # noqa: F401 - declares the daily purge
            web_hooks,
        )

        web_hooks.install()
