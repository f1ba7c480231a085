from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaConfig(AppConfig):
    name = "sambandh.mfa"
    label = "mfa"
    verbose_name = _("Multi-factor authentication")
