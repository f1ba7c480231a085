"""The record-type registry: every kind of CRM record is declared once, here.

A domain app declares its record types in its own ``records.py`` and registers them from its
``AppConfig.ready()``::

    PERSON = RecordType(key="person", model_label="contacts.Person", ...)
    register(PERSON)

Everything that works across record types reads the declarations instead of naming types by
hand: the access policy (which fields exist, which can be hidden), sharing, saved views, global
search and its links, the timeline's links, the settings area, and later import, export,
reports, segments, workflows and webhooks. Adding a record type touches its own app and its
declaration, nothing else.

Core knows no domain app: the declarations name their model by label and their pages by URL
name, resolved when first used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from sambandh.core.errors import ValidationFailed
from sambandh.core.ids import id_url


@dataclass(frozen=True)
class Field:
    """A field of a record type, as the API and the access policy name it.

    ``name`` is its key in the API record. One field may cover several keys of the record
    (``emails`` also covers the primary ``email``), be written through other input names
    (``organization`` through ``organization_id``), and be read by list filters and sorts;
    hiding it hides all of them.
    """

    name: str
    label: Any
    kind: str = "text"
    #: False for what identifies the record (its name): it is always shown.
    hideable: bool = True
    outputs: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    sorts: tuple[str, ...] = ()
    #: The record type this field links to ("organization"), if any.
    link: str = ""
    #: False for a value that belongs to one record alone (a date of birth): a bulk edit never
    #: sets it on many at once.
    bulk: bool = True

    @property
    def output_keys(self) -> tuple[str, ...]:
        return (self.name, *self.outputs)

    @property
    def input_keys(self) -> tuple[str, ...]:
        return self.inputs or (self.name,)


@dataclass(frozen=True)
class RecordType:
    key: str  # stable: stored in shares, audit rows, search documents, saved views
    model_label: str  # "contacts.Person"
    label: Any
    label_plural: Any
    api_path: str  # /api/v1/<api_path>; also the saved-view list key
    detail_url: str  # URL name of the record page, taking the id
    list_url: str = ""  # URL name of the list page
    #: URL name of its edit form, taking the id: it shows the fields as the page does, so a
    #: sensitive one shown there is a read (history/sensitive.py).
    edit_url: str = ""
    icon: str = ""
    fields: tuple[Field, ...] = ()
    #: Found by the global search (its services keep a search document).
    searchable: bool = True
    #: Its owner, their manager or an admin may share it with a user or a team.
    shareable: bool = True
    #: The foreign key of activities that puts them on this record's timeline.
    activity_link: str = ""
    #: ``(viewer, queryset) -> queryset``: the records ``viewer`` may see (the app's selector).
    visible: Callable[[Any], Any] | None = None
    #: ``(*, actor, record, owner, version=None) -> record``: hand the record to another owner
    #: (the app's service: one transaction, version, audit row), for bulk reassignment.
    reassign: Callable[..., Any] | None = None
    #: ``(record) -> None``: rebuild what the record keeps for search (its app's service).
    reindex: Callable[[Any], None] | None = None
    #: ``(record_type, record_id) -> queryset``: its records that link to that record and show
    #: its name (refreshed when that record is renamed or deleted).
    linking: Callable[[str, int], Any] | None = None
    #: ``(*, viewer, query) -> Page``: one page of the list as the viewer may see it (its app's
    #: selector), and the list's columns, filters and sorts (``web.lists.ListSpec``): a type
    #: that declares them has a list page (``/records/<api_path>/``) without a view of its own.
    list_select: Callable[..., Any] | None = None
    list_spec: Any = None
    #: The columns of its lists' default order, ending with ``id`` (directions aside: an index
    #: is read either way). A custom field's indexes are its value then these columns, so a
    #: list filtered by the field comes back in the default order from the index alone, and a
    #: sort by the field breaks ties in this order.
    default_order: tuple[str, ...] = ("id",)
    #: ``() -> queryset``: the records that have a search document (all of them by default).
    search_records: Callable[[], Any] | None = None

    # --- what bulk actions need (sambandh/bulk) --------------------------------------------
    #: ``(*, viewer, query) -> queryset``: every record its list shows for ``query.filters``,
    #: on every page, as the viewer may see them (the app's list selector, unpaginated).
    list_matching: Callable[..., Any] | None = None
    #: ``() -> schema``: the pydantic model of its list endpoint's query (its filters, and
    #: ``limit``, ``cursor`` and ``sort``, which a selection by filter does not take).
    list_filters: Callable[[], Any] | None = None
    #: ``(*, actor, record, values, version) -> record``: change the fields ``values`` names,
    #: by the names and with the checks of its PATCH body (its typed input and service).
    update: Callable[..., Any] | None = None
    #: ``(values) -> None``: refuse (ValidationFailed naming the field) values whose shape its
    #: PATCH body refuses, before anything is written.
    check_values: Callable[[dict[str, Any]], None] | None = None
    #: ``(record) -> list[str]``: its tags' names, for a type with tags; bulk tag and untag
    #: write the whole list back through ``update`` (``{"tags": [...]}``).
    tag_names: Callable[[Any], list[str]] | None = None
    #: The input (and attribute) a bulk assign sets: the owner, or an activity's assignee.
    #: ``owner_id`` goes through ``reassign`` (and ``reassign_many``), anything else through
    #: ``update``.
    assign_input: str = "owner_id"
    #: ``(*, actor, ids, owner, expected=None) -> (changed, moved_on)``: hand many records to
    #: ``owner`` in one transaction, each as its own write (version, audit row, event:
    #: core.records.reassign_rows); ``expected`` maps ids to the version each must still have,
    #: and ``moved_on`` answers those whose version had moved on.
    reassign_many: Callable[..., Any] | None = None
    #: ``(viewer, records) -> set[int]``: the ids of ``records`` the viewer may change (the
    #: access policy's rule for owned records when not declared).
    editable_among: Callable[[Any, list[Any]], set[int]] | None = None
    #: ``(*, actor, record, version) -> None``: delete the record (its app's service, which
    #: puts it in the recycle bin), for bulk delete.
    delete: Callable[..., Any] | None = None

    def searched(self) -> Any:
        """The records of this type that have a search document."""
        if self.search_records is not None:
            return self.search_records()
        return self.model._default_manager.all()

    @property
    def model(self) -> Any:
        return apps.get_model(self.model_label)

    @property
    def list_key(self) -> str:
        return self.api_path

    def url(self, record_id: int) -> str:
        return id_url(self.detail_url, record_id)

    @property
    def custom_fields(self) -> tuple[Field, ...]:
        """The custom fields an admin has defined on this type (named ``custom.<key>``), as
        the custom fields app declares them (read once per request)."""
        return _custom_fields_source(self.key) if _custom_fields_source is not None else ()

    @property
    def all_fields(self) -> tuple[Field, ...]:
        """The declared fields, then the custom fields: what the field policy governs."""
        return (*self.fields, *self.custom_fields)

    def _find(self, test: Callable[[Field], bool], key: str) -> Field | None:
        found = next((f for f in self.fields if test(f)), None)
        if found is None and key.startswith(CUSTOM_PREFIX):
            found = next((f for f in self.custom_fields if test(f)), None)
        return found

    def field(self, name: str) -> Field | None:
        return self._find(lambda f: f.name == name, name)

    def field_for_input(self, key: str) -> Field | None:
        return self._find(lambda f: key in f.input_keys, key)

    def field_for_filter(self, key: str) -> Field | None:
        return self._find(lambda f: key in f.filters, key)

    def field_for_sort(self, sort: str) -> Field | None:
        key = sort.lstrip("-")
        return self._find(lambda f: key in f.sorts, key)

    @property
    def hideable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.all_fields if f.hideable)


_types: dict[str, RecordType] = {}

#: A custom field's name in the field policy, filters and sorts: ``custom.<key>``.
CUSTOM_PREFIX = "custom."
_custom_fields_source: Callable[[str], tuple[Field, ...]] | None = None


def set_custom_fields_source(source: Callable[[str], tuple[Field, ...]] | None) -> None:
    """Called once by the custom fields app (core knows no domain app): ``source(record_type)``
    answers that type's custom fields."""
    global _custom_fields_source
    _custom_fields_source = source


def register(record_type: RecordType) -> RecordType:
    """Declare a record type (from an app's ready()). Declaring the same key twice with a
    different declaration is a programming error."""
    existing = _types.get(record_type.key)
    if existing is not None and existing != record_type:
        raise RuntimeError(f"record type {record_type.key!r} is declared twice")
    if any(
        t.api_path == record_type.api_path and t.key != record_type.key for t in _types.values()
    ):
        raise RuntimeError(f"api path {record_type.api_path!r} is taken")
    _types[record_type.key] = record_type
    return record_type


def unregister(key: str) -> None:
    """For tests that declare a record type of their own."""
    _types.pop(key, None)


def record_types() -> list[RecordType]:
    """Every declared record type, in declaration order."""
    return list(_types.values())


def find(key: str) -> RecordType | None:
    return _types.get(key)


def get(key: str, *, field: str = "record_type") -> RecordType:
    """The declaration of ``key``; an unknown key is a 422 naming ``field``."""
    found = _types.get(str(key or ""))
    if found is None:
        raise ValidationFailed(
            _("Unknown record type “%(key)s”. Choose one of: %(choices)s.")
            % {"key": str(key)[:40], "choices": ", ".join(_types)},
            fields={field: _("Not a record type.")},
        )
    return found


def by_api_path(path: str) -> RecordType | None:
    return next((t for t in _types.values() if t.api_path == path), None)


def by_list_key(list_key: str) -> RecordType | None:
    return by_api_path(list_key)


def by_model(model: Any) -> RecordType | None:
    label = model._meta.label
    return next((t for t in _types.values() if t.model_label == label), None)


def records_linking_to(record_type: str, record_id: int) -> list[tuple[RecordType, list[Any]]]:
    """The records of every type that link to ``record_type`` ``record_id`` and show its name,
    read now (before a rename or a delete changes them)."""
    found = []
    for rt in _types.values():
        if rt.linking is not None:
            records = list(rt.linking(record_type, record_id))
            if records:
                found.append((rt, records))
    return found


def reindex_all(found: list[tuple[RecordType, list[Any]]]) -> None:
    """Rebuild the search documents of ``found`` (from ``records_linking_to``), each re-read."""
    for rt, records in found:
        if rt.reindex is None:
            continue
        ids = [r.pk for r in records]
        for record in rt.model._default_manager.filter(pk__in=ids).order_by("pk"):
            rt.reindex(record)


def searchable_types() -> list[RecordType]:
    return [t for t in _types.values() if t.searchable]


def shareable_types() -> list[RecordType]:
    return [t for t in _types.values() if t.shareable]


def timeline_types() -> list[RecordType]:
    """Types with a timeline of activities."""
    return [t for t in _types.values() if t.activity_link]
