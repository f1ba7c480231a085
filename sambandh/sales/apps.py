from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sambandh.sales"
    label = "sales"
    verbose_name = _("Sales")
    nav_order = 30
    nav_items = [
        ("sales:deal_board", _("Deals"), "board"),
        ("sales:lead_list", _("Leads"), "lead"),
    ]
