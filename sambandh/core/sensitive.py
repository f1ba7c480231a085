"""Which fields an administrator marked sensitive (``core.models.SensitiveField``), read at
most once per request and record type: a read that showed one is audited
(sambandh/history/sensitive.py)."""

from __future__ import annotations

from typing import Any

from sambandh.core import registry
from sambandh.core.models import SensitiveField

CACHE_ATTR = "_sambandh_sensitive_fields"


def prime_sensitive(viewer: Any, record_type: str, marked: bool) -> None:
    """For a statement that has read, along with its record, whether the record type has any
    field marked (the API's person read): when none, no statement more is needed."""
    if not marked and viewer is not None:
        cache = getattr(viewer, CACHE_ATTR, None)
        if cache is None:
            cache = {}
            setattr(viewer, CACHE_ATTR, cache)
        cache[record_type] = frozenset()


def sensitive_fields(record_type: str, viewer: Any = None) -> frozenset[str]:
    """The names of the fields of ``record_type`` marked sensitive (one query). With
    ``viewer``, the marks of every record type are read at once and remembered for the request:
    a page that shows several types (a record, its deals, its timeline) asks once."""
    cache = getattr(viewer, CACHE_ATTR, None) if viewer is not None else None
    if cache is not None and record_type in cache:
        return frozenset(cache[record_type])
    if viewer is None:
        return frozenset(
            SensitiveField.objects.filter(record_type=record_type).values_list("field", flat=True)
        )
    prime_sensitive_many(viewer, [*(rt.key for rt in registry.record_types()), record_type])
    return frozenset(getattr(viewer, CACHE_ATTR)[record_type])


SHOWN_ATTR = "_sambandh_sensitive_shown"


def note_shown(viewer: Any, record_type: str, ids: Any, fields: Any, via: str = "list") -> None:
    """A list, a search or another many-record answer showed ``viewer`` the values of
    ``fields`` (names the viewer's field access lets them see) of the records ``ids``. The
    sensitive ones are remembered on the viewer for the request; when it ends, one "read" row
    per record type names them and the record ids (``flush_shown``, called by
    history.sensitive.SensitiveReadMiddleware), not one per cell."""
    ids = [int(pk) for pk in ids or ()]
    if viewer is None or not ids or not getattr(viewer, "is_authenticated", False):
        return
    shown = sensitive_fields(record_type, viewer) & frozenset(fields or ())
    if not shown:
        return
    bucket = getattr(viewer, SHOWN_ATTR, None)
    if bucket is None:
        bucket = {}
        setattr(viewer, SHOWN_ATTR, bucket)
    seen_ids, seen_fields, seen_via = bucket.setdefault(record_type, (set(), set(), set()))
    seen_ids.update(ids)
    seen_fields.update(shown)
    seen_via.add(via)


def take_shown(viewer: Any) -> dict[str, tuple[list[int], list[str], str]]:
    """What ``note_shown`` remembered for the request (record type: ids, fields, where),
    forgotten once taken."""
    bucket = getattr(viewer, SHOWN_ATTR, None) if viewer is not None else None
    if not bucket:
        return {}
    setattr(viewer, SHOWN_ATTR, {})
    return {
        kind: (sorted(ids), sorted(fields), "+".join(sorted(via)))
        for kind, (ids, fields, via) in bucket.items()
    }


def note_listed(viewer: Any, record_type: str, records: Any, via: str = "list") -> None:
    """``note_shown`` for an answer that shows every field of its records the viewer may see
    (the API's lists): the marked fields, left to the field policy when the row is written."""
    note_shown(
        viewer,
        record_type,
        [r.pk for r in records],
        sensitive_fields(record_type, viewer),
        via=via,
    )


def prime_sensitive_many(viewer: Any, record_types: Any) -> None:
    """Read the marked fields of every type in ``record_types`` not yet known for ``viewer``'s
    request, in one query (the search, which may show any type, asks once, not per type)."""
    if viewer is None:
        return
    cache = getattr(viewer, CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(viewer, CACHE_ATTR, cache)
    missing = [kind for kind in record_types if kind not in cache]
    if not missing:
        return
    found: dict[str, set[str]] = {kind: set() for kind in missing}
    rows = SensitiveField.objects.filter(record_type__in=missing).values_list(
        "record_type", "field"
    )
    for kind, name in rows:
        found[kind].add(name)
    for kind, names in found.items():
        cache[kind] = frozenset(names)


RECORD_ATTR = "_sambandh_sensitive_record"


def note_record(
    viewer: Any, record_type: str, record_id: Any, fields: Any = None, via: str = ""
) -> None:
    """A page showed ``viewer`` one record's ``fields`` (None: every field their field access
    lets them see, as an edit form does): its edit form, an inline editor, its History tab.
    When the request ends, one "read" row for the record names the sensitive ones
    (history.sensitive.SensitiveReadMiddleware), as a record page's read does."""
    if viewer is None or record_id is None or not getattr(viewer, "is_authenticated", False):
        return
    marks = sensitive_fields(record_type, viewer)
    if not marks:
        return
    shown = marks if fields is None else marks & frozenset(fields)
    if not shown:
        return
    bucket = getattr(viewer, RECORD_ATTR, None)
    if bucket is None:
        bucket = {}
        setattr(viewer, RECORD_ATTR, bucket)
    seen_fields, seen_via = bucket.setdefault((record_type, int(record_id)), (set(), set()))
    seen_fields.update(shown)
    if via:
        seen_via.add(via)


REFUSED_ATTR = "_sambandh_sensitive_refused"


def note_refused_form(viewer: Any, record_type: str, record_id: Any) -> None:
    """An edit form refused a save (a field's error, a version conflict, the record deleted
    meanwhile) and is shown again: the fields read-only for ``viewer`` show their stored values
    (the others what was typed). ``note_record`` of the marked ones; the middleware keeps
    those the viewer may see but not change (``take_refused``), and writes the row even with
    a 409 (``note_answered_anyway``)."""
    if viewer is None or record_id is None or not getattr(viewer, "is_authenticated", False):
        return
    if not sensitive_fields(record_type, viewer):
        return
    note_record(viewer, record_type, record_id, None, via="form")
    note_answered_anyway(viewer)
    refused = getattr(viewer, REFUSED_ATTR, None)
    if refused is None:
        refused = set()
        setattr(viewer, REFUSED_ATTR, refused)
    refused.add((record_type, int(record_id)))


def take_refused(viewer: Any) -> set[tuple[str, int]]:
    """The records whose refused form the request showed again (``note_refused_form``),
    forgotten once taken."""
    refused = getattr(viewer, REFUSED_ATTR, None) if viewer is not None else None
    if not refused:
        return set()
    setattr(viewer, REFUSED_ATTR, set())
    return set(refused)


ANYWAY_ATTR = "_sambandh_sensitive_anyway"


def note_answered_anyway(viewer: Any) -> None:
    """The request answers with an error status (409, 422) but still shows what it noted: a
    refused form shown again, the board shown again after a stale card's move. What it noted is
    written as for a 200 (the middleware otherwise writes nothing for an error)."""
    if viewer is not None and getattr(viewer, "is_authenticated", False):
        setattr(viewer, ANYWAY_ATTR, True)


def take_answered_anyway(viewer: Any) -> bool:
    """Whether ``note_answered_anyway`` was called for the request, forgotten once taken."""
    anyway = bool(getattr(viewer, ANYWAY_ATTR, False)) if viewer is not None else False
    if anyway:
        setattr(viewer, ANYWAY_ATTR, False)
    return anyway


def take_records(viewer: Any) -> dict[tuple[str, int], tuple[list[str], str]]:
    """What ``note_record`` remembered for the request ((record type, id): fields, where),
    forgotten once taken."""
    bucket = getattr(viewer, RECORD_ATTR, None) if viewer is not None else None
    if not bucket:
        return {}
    setattr(viewer, RECORD_ATTR, {})
    return {key: (sorted(names), "+".join(sorted(via))) for key, (names, via) in bucket.items()}


def note_values(
    viewer: Any, record_type: str, records: Any, fields: dict[str, Any], via: str
) -> None:
    """``note_shown`` for a card or a line that shows some values of each of ``records``:
    ``fields`` maps an attribute to the field it shows (``{"phone": "phones"}``), or to the
    fields it shows (``{"amount": ("amount", "currency")}``: an amount is written with its
    currency); a record is named only for the attributes that hold a value (an empty one shows
    nothing). The caller has left out what the viewer's field access hides."""
    items = [r for r in records or () if r is not None]
    names_of = {
        attr: (names,) if isinstance(names, str) else tuple(names) for attr, names in fields.items()
    }
    if not items:
        return
    marks = sensitive_fields(record_type, viewer)
    shown: dict[str, set[int]] = {}
    for attr, names in names_of.items():
        marked = [name for name in names if name in marks]
        if not marked:
            continue  # a record is named for the marked fields it shows, not for the others
        pks = {r.pk for r in items if getattr(r, attr, None) not in (None, "")}
        for name in marked:
            shown.setdefault(name, set()).update(pks)
    ids = sorted({pk for pks in shown.values() for pk in pks})
    note_shown(viewer, record_type, ids, [name for name, pks in shown.items() if pks], via=via)
