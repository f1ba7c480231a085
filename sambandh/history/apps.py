from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    """A record's history (the audit trail as its History tab), field restore, the audit
    search for administrators, and the reads of sensitive fields (docs/audit.md). The rows
    themselves are core's (``core.models.AuditEvent``, written by ``core.audit``)."""

    name = "sambandh.history"
    label = "history"
    verbose_name = _("History")
