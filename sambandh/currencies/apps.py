from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurrenciesConfig(AppConfig):
    name = "sambandh.currencies"
    label = "currencies"
    verbose_name = _("Currencies")

    def ready(self) -> None:
        # The scheduled fetch of the day's rates from the configured provider.
        from sambandh.currencies import jobs  # noqa: F401
