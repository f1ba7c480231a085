"""An export as an HTTP answer, for the API and the web alike: CSV and vCard streamed from the
database cursor (the header goes out before any row is read), XLSX written to a temporary file
and then sent from it. The audit row is written once the file is finished."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from sambandh.exports.selectors import ExportPlan, export_rows
from sambandh.exports.services import export_record
from sambandh.exports.vcards import vcard_pieces
from sambandh.exports.writers import csv_pieces, xlsx_file

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "vcf": "text/vcard; charset=utf-8",
}


def file_name(plan: ExportPlan, format: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return f"{plan.record_type.api_path}-{stamp}.{format}"


def _counted(rows: Iterator[list[Any]], counter: list[int]) -> Iterator[list[Any]]:
    for row in rows:
        yield row
        counter[0] += 1


def _audited(pieces: Iterator[bytes], plan: ExportPlan, format: str, counter: list[int]) -> Any:
    """``pieces``, then the audit row; a download stopped part-way (the client went away) is
    recorded too, with the rows sent until then."""
    complete = False
    try:
        yield from pieces
        complete = True
    finally:
        export_record(
            actor=plan.viewer, plan=plan, format=format, rows=counter[0], complete=complete
        )


def export_response(plan: ExportPlan, format: str) -> Any:
    """The download of ``plan`` in ``format`` (csv, xlsx or vcf: the caller checked it)."""
    name = file_name(plan, format)
    counter = [0]
    if format == "xlsx":
        title = str(plan.record_type.label_plural)
        target, count = xlsx_file(plan.headers, export_rows(plan), title=title)
        export_record(actor=plan.viewer, plan=plan, format=format, rows=count)
        return FileResponse(
            target, as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"]
        )
    if format == "vcf":
        pieces = vcard_pieces(plan, counter)
    else:
        pieces = csv_pieces(plan.headers, _counted(export_rows(plan), counter))
    response = StreamingHttpResponse(
        _audited(pieces, plan, format, counter), content_type=CONTENT_TYPES[format]
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
