from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "sambandh.attachments"
    label = "attachments"
    verbose_name = _("Attachments")

    def ready(self) -> None:
        # After every record type is registered: a purge of any of them removes its files.
        from sambandh.attachments import (
            handlers,
            jobs,  # noqa: F401 - declares the nightly sweep of orphaned files
        )

        handlers.subscribe_all()
        from sambandh.core.references import Reference, register_reference

        register_reference(Reference("attachments.Attachment"))  # a merge moves the files
