"""The one write of an export: its row in the audit trail (and its event), recorded when the
file is finished, with the number of rows it really held."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sambandh.core.audit import audit_read, audit_record
from sambandh.core.models import AuditEvent
from sambandh.core.sensitive import sensitive_fields
from sambandh.exports.selectors import ExportPlan

FORMATS = ("csv", "xlsx", "vcf")


def _record_sensitive_read(*, actor: Any, plan: ExportPlan, rows: int) -> None:
    """The export's columns of fields marked sensitive (the viewer's hidden fields have no
    column): one "read" row naming them and the ids of the records the file held."""
    rt = plan.record_type
    fields = sorted({c.field for c in plan.columns if c.field} & sensitive_fields(rt.key, actor))
    if not fields or rows <= 0:
        return
    ids = list(plan.queryset.values_list("pk", flat=True)[:rows])
    audit_read(
        actor=actor, record_type=rt.key, record_id=None, fields=fields, ids=ids, via="export"
    )


def export_record(
    *, actor: Any, plan: ExportPlan, format: str, rows: int, complete: bool = True
) -> AuditEvent:
    """Record who exported what: the record type, the filters and sort (or the ticked ids),
    the format and the row count. ``complete`` is False when the download stopped part-way
    (the rows counted are those sent)."""
    rt = plan.record_type
    changes: dict[str, Any] = {
        "format": format,
        "filters": dict(plan.filters),
        "sort": plan.sort,
        "rows": rows,
        "complete": complete,
    }
    if plan.ids:
        changes["ids"] = list(plan.ids)
    if plan.withheld:
        # Left out by the residency rule (docs/privacy.md), not by the viewer's filters.
        changes["withheld_by_residency"] = plan.withheld
    with transaction.atomic():
        _record_sensitive_read(actor=actor, plan=plan, rows=rows)
        return audit_record(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            record_type=rt.key,
            changes=changes,
            summary=f"{rows} {rt.api_path} exported as {format}"
            + (f", {plan.withheld} withheld by residency" if plan.withheld else "")
            + ("" if complete else " (stopped part-way)"),
            event=f"{rt.key}.exported",
        )
