"""Reads the import pages need beyond imports.selectors: the records an import made, as the
viewer may see them now (a record they may not see is left out, never named)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch

from sambandh.core import registry
from sambandh.core.listing import ListQuery
from sambandh.imports.models import ImportJob, ImportRow
from sambandh.imports.selectors import registry_key

MADE = (ImportRow.Outcome.CREATED, ImportRow.Outcome.FLAGGED)


def made_records(*, viewer: Any, job: ImportJob, limit: int = 10) -> list[tuple[str, str]]:
    """(name, page) of the first records ``job`` created that the viewer may see, in the
    file's order."""
    ids = list(
        ImportRow.objects.filter(job=job, outcome__in=MADE, record_id__isnull=False)
        .order_by("number")
        .values_list("record_id", flat=True)[: limit * 3]
    )
    rt = registry.find(registry_key(job.record_type))
    if rt is None or rt.list_matching is None or not ids:
        return []
    records = {
        r.pk: r for r in rt.list_matching(viewer=viewer, query=ListQuery()).filter(pk__in=ids)
    }
    found = []
    for record_id in ids:
        record = records.get(record_id)
        if record is None:
            continue
        try:
            url = rt.url(record.pk)
        except NoReverseMatch:
            url = ""
        found.append((str(record), url))
        if len(found) >= limit:
            break
    return found


def list_url(job: ImportJob) -> str:
    """The list page of the kind of record ``job`` imports."""
    rt = registry.find(registry_key(job.record_type))
    if rt is None or not rt.list_url:
        return ""
    try:
        from django.urls import reverse

        return reverse(rt.list_url)
    except NoReverseMatch:
        return ""


def records_url(job: ImportJob) -> str:
    """The list of the records ``job`` created or changed (the lists' ``import`` filter)."""
    url = list_url(job)
    return f"{url}?import={job.pk}" if url else ""
