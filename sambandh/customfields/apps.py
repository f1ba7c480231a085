from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomFieldsConfig(AppConfig):
    name = "sambandh.customfields"
    label = "customfields"
    verbose_name = _("Custom fields")

    def ready(self) -> None:
        from django.core.signals import request_started

        from sambandh.core import registry
        from sambandh.customfields import selectors

        registry.set_custom_fields_source(selectors.registry_fields)
        # Definitions are read at most once per request: each request starts from the table.
        request_started.connect(selectors.forget_definitions, dispatch_uid="customfields_forget")
