from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "sambandh.events"
    label = "events"
    verbose_name = _("Events and jobs")

    def ready(self) -> None:
        from importlib import import_module

        from django.conf import settings

        # The platform's own jobs, then any extra modules a deployment (or a test) declares.
        import_module("sambandh.events.jobs_builtin")
        for module in getattr(settings, "EVENTS_EXTRA_MODULES", []):
            import_module(module)
