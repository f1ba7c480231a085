from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """The settings area: users, teams, pipelines and the company's defaults, for
    administrators. Views, forms and API routers only; the writes are the owning apps'
    services."""

    name = "sambandh.administration"
    label = "administration"
    verbose_name = _("Settings")
    nav_order = 900
    # The 4th element: only users whose ``is_admin`` is true see the entry.
    nav_items = [("administration:index", _("Settings"), "settings", "is_admin")]
