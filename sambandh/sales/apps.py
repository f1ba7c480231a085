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

    def ready(self) -> None:
        from sambandh.core.registry import register
        from sambandh.sales.records import DEAL, LEAD

        register(DEAL)
        register(LEAD)
