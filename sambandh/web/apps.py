from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shell: base layout, navigation, template tags. It knows no domain."""

    name = "sambandh.web"
    label = "web"
    verbose_name = _("Web interface")
