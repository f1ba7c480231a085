from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sambandh.core"
    label = "core"

    def ready(self) -> None:
        # Registers the ``id`` path converter before any URLconf is read.
        from sambandh.core import ids  # noqa: F401
        from sambandh.core.audit_context import connect_task_signals

        connect_task_signals()
