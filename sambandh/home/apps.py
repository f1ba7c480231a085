from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "sambandh.home"
    label = "home"
    verbose_name = _("Home")
    nav_order = 10
    nav_items = [("home:index", _("Home"), "home")]
