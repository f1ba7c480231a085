from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "sambandh.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    nav_order = 850
    nav_items = [("privacy:requests", _("Privacy"), "info", "is_admin")]

    def ready(self) -> None:
        from sambandh.privacy import (
            jobs,  # noqa: F401 - declares the daily retention run
            providers,
        )

        providers.register_builtin()
