"""Reads of imports: jobs (only their actor, and administrators, see one; anyone else gets a
404, as for a record they may not see), their per-row report, saved presets, the mapping
targets of a record type, and the external ids of records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sambandh.core.errors import NotFound, ValidationFailed
from sambandh.core.ids import parse_id
from sambandh.core.pagination import Page, paginate
from sambandh.imports import sources
from sambandh.imports.models import RECORD_TYPES, ExternalId, ImportJob, ImportPreset, ImportRow

#: The registry's key of each record type an import writes.
REGISTRY_KEYS = {
    "people": "person",
    "organizations": "organization",
    "leads": "lead",
    "deals": "deal",
}


def registry_key(record_type: str) -> str:
    return REGISTRY_KEYS[record_type]


def _may_see(viewer: Any, job: ImportJob) -> bool:
    return job.actor_id == getattr(viewer, "pk", None) or bool(getattr(viewer, "is_admin", False))


def job_get(*, viewer: Any, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or not _may_see(viewer, job):
        raise NotFound(_("No such import."))
    return job


def job_list(*, viewer: Any, limit: int = 50, cursor: str | None = None) -> Page[ImportJob]:
    """The viewer's imports, newest first (an administrator's: everyone's)."""
    jobs = ImportJob.objects.select_related("actor")
    if not getattr(viewer, "is_admin", False):
        jobs = jobs.filter(actor=viewer)
    return paginate(jobs, order=["-id"], limit=limit, cursor=cursor)


def _outcomes_for(outcome: str | None) -> QuerySet[ImportRow]:
    rows = ImportRow.objects.all()
    if outcome:
        if outcome not in ImportRow.Outcome.values:
            names = ", ".join(ImportRow.Outcome.values)
            raise ValidationFailed(
                fields={"outcome": _("Choose one of: %(names)s.") % {"names": names}}
            )
        rows = rows.filter(outcome=outcome)
    return rows


def job_rows(
    *, job: ImportJob, outcome: str | None = None, limit: int = 50, cursor: str | None = None
) -> Page[ImportRow]:
    """The job's per-row outcomes in the file's order (``outcome``: only those)."""
    rows = _outcomes_for(outcome).filter(job=job)
    return paginate(rows, order=["number"], limit=limit, cursor=cursor)


REPORT_COLUMNS = ("row", "outcome", "record_id", "reasons")
#: What ends a sentence, in the product's languages (Latin, Devanagari, Japanese, Arabic).
END_MARKS = (".", "!", "?", "।", "。", "؟")


def reasons_text(reasons: Any) -> str:
    """A row's reasons as one line of sentences: "Email: “x” is not a valid email address.
    Phone: …" (a message without an end mark gets a full stop)."""
    parts = []
    for reason in reasons or []:
        if isinstance(reason, dict):
            field, message = reason.get("field", ""), str(reason.get("message", ""))
            part = f"{field}: {message}" if field else message
        else:
            part = str(reason)
        part = part.strip()
        if part and not part.endswith(END_MARKS):
            part += "."
        if part:
            parts.append(part)
    return " ".join(parts)


def job_report_lines(*, job: ImportJob) -> Iterator[list[str]]:
    """The per-row report as CSV lines (header first), streamed in the file's order."""
    yield list(REPORT_COLUMNS)
    rows = (
        ImportRow.objects.filter(job=job)
        .order_by("number")
        .values_list("number", "outcome", "record_id", "reasons")
    )
    for number, outcome, record_id, reasons in rows.iterator(chunk_size=2000):
        yield [
            str(number),
            outcome,
            "" if record_id is None else str(record_id),
            reasons_text(reasons),
        ]


def presets_for(*, viewer: Any, record_type: str | None = None) -> list[ImportPreset]:
    """The presets the viewer may use: their own and the shared ones."""
    presets = ImportPreset.objects.filter(Q(owner=viewer) | Q(shared=True))
    if record_type:
        presets = presets.filter(record_type=record_type)
    return list(presets.select_related("owner"))


def preset_find(*, viewer: Any, record_type: str, name: str) -> ImportPreset | None:
    """The viewer's own preset of that name, else a shared one."""
    found = [p for p in presets_for(viewer=viewer, record_type=record_type) if p.name == name]
    found.sort(key=lambda p: (p.owner_id != viewer.pk, p.pk))
    return found[0] if found else None


def preset_choices(*, viewer: Any, record_type: str) -> list[tuple[str, str]]:
    """Every preset the viewer may pick for ``record_type``: the built-in ones, then saved."""
    built_in = sources.preset_choices(record_type)
    taken = {name for name, _label in built_in}
    saved = [
        (p.name, p.name)
        for p in presets_for(viewer=viewer, record_type=record_type)
        if p.name not in taken
    ]
    return [*built_in, *saved]


def custom_fields_of(record_type: str) -> list[tuple[str, str, str]]:
    """The active custom fields of ``record_type`` as the mapping takes them (key, label,
    kind)."""
    from sambandh.customfields.selectors import KINDS, definitions

    return [
        (f.key, f.label, KINDS.get(f.type, "text")) for f in definitions(registry_key(record_type))
    ]


def import_targets(record_type: str) -> list[Any]:
    """What a column of a ``record_type`` file may be mapped to (custom fields included)."""
    if record_type not in RECORD_TYPES:
        raise ValidationFailed(fields={"type": _("Choose people, organizations, leads or deals.")})
    return sources.targets(record_type, custom_fields=custom_fields_of(record_type))


def external_ids(record_type: str, ids: Iterable[int] | None) -> dict[int, str]:
    """Each record's id in the system it was imported from (``record_type``: the registry's
    key, "person"; ``ids`` None: every record of the type). A record known in several systems
    answers the first one recorded."""
    rows = ExternalId.objects.filter(record_type=record_type)
    if ids is not None:
        wanted = list(ids)
        if not wanted:
            return {}
        rows = rows.filter(record_id__in=wanted)
    found: dict[int, str] = {}
    for record_id, value in rows.order_by("id").values_list("record_id", "value").iterator(5000):
        found.setdefault(record_id, value)
    return found


def external_matches(record_type: str, system: str, values: Iterable[str]) -> dict[str, int]:
    """The record each external id of ``system`` names (one query for a batch)."""
    wanted = {v for v in values if v}
    if not wanted:
        return {}
    rows = ExternalId.objects.filter(record_type=record_type, system=system, value__in=wanted)
    return dict(rows.values_list("value", "record_id"))


#: The outcomes of a row whose record the import created or changed.
CHANGED = (
    ImportRow.Outcome.CREATED,
    ImportRow.Outcome.UPDATED,
    ImportRow.Outcome.MERGED,
    ImportRow.Outcome.FLAGGED,
)


#: Matches no record (ids start at 1), unlike ``none()`` or an empty ``pk__in`` still a query
#: the lists' paginated unions can be built from.
_NOTHING = Q(pk=0)


def records_from_import(
    qs: QuerySet[Any], *, viewer: Any, job_id: Any, record_type: str
) -> QuerySet[Any]:
    """``qs`` (records of ``record_type``, the registry's key) narrowed to those the import
    ``job_id`` created or changed: its rows' records, and the records of this type it made on
    the way (the organization a person's row named). The list filter ``import``: the caller
    still applies the viewer's visibility, and an import the viewer may not see (someone
    else's) matches nothing, as an id with no import does. A dry run changed nothing."""
    pk = parse_id(job_id, "import")
    job = ImportJob.objects.filter(pk=pk).only("id", "actor_id", "record_type").first()
    if job is None or not _may_see(viewer, job):
        return qs.filter(_NOTHING)
    if REGISTRY_KEYS.get(job.record_type) == record_type:
        rows = ImportRow.objects.filter(job=job, outcome__in=CHANGED, record_id__isnull=False)
        return qs.filter(pk__in=rows.values("record_id"))
    made: set[int] = set()
    extra = ImportRow.objects.filter(job=job, outcome__in=CHANGED).exclude(also_created=[])
    for entries in extra.values_list("also_created", flat=True).iterator(chunk_size=2000):
        for entry in entries or []:
            if isinstance(entry, list) and len(entry) == 2 and entry[0] == record_type:
                made.add(int(entry[1]))
    return qs.filter(pk__in=made) if made else qs.filter(_NOTHING)
