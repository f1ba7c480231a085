from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "sambandh.security"
    label = "security"
    verbose_name = _("Sign-in security")

    def ready(self) -> None:
        from sambandh.security import jobs  # noqa: F401 - declares the purge of old attempts
