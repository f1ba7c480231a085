from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "sambandh.activities"
    label = "activities"
    verbose_name = _("Activities")
    nav_order = 40
    nav_items = [("activities:my_tasks", _("My tasks"), "task")]

    def ready(self) -> None:
        from sambandh.activities.records import ACTIVITY
        from sambandh.core.registry import register

        register(ACTIVITY)
