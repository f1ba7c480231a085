from __future__ import annotations

from django.apps import AppConfig


class RegistryAppConfig(AppConfig):
    name = "tests.registry_app"
    label = "registry_app"

    def ready(self) -> None:
        from sambandh.core.registry import register
        from tests.registry_app.records import GADGET

        register(GADGET)
