"""The state of a list page (filters, sort, columns, cursor) read from the query string, and the
links that change one part of it. Saved views store the same three parts.

The list's selector still does all the reading; this only turns GET parameters into a ListQuery
and back into links, so every list page behaves the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sambandh.core import registry
from sambandh.core.dates_input import parse_date_input
from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.core.ids import id_or_none
from sambandh.core.listing import ListQuery
from sambandh.core.saved_views import saved_view_create, saved_view_delete, saved_views_for
from sambandh.core.sensitive import note_shown

MAX_FILTER_LENGTH = 200
MAX_CURSOR_LENGTH = 500
#: The page sizes a list offers (``?per_page=``); any other value is the list's own.
PAGE_SIZES = (25, 50, 100)


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    sort: str = ""  # the selector's ascending sort key, or "" when the column does not sort
    default: bool = True
    fixed: bool = False  # always shown (the record's name)
    #: The record type's field it shows (core/registry.py), "" when none: a column of a field
    #: hidden from the viewer is not offered.
    field: str = ""
    #: The fields it shows besides ``field`` (the name column's job title under the name).
    also: tuple[str, ...] = ()
    #: Which columns give way first when the table is wider than the screen (web/lists.js):
    #: 3 before 2; 1 never (the record's name is always 1).
    priority: int = 2


@dataclass(frozen=True)
class ListSpec:
    key: str  # the saved-view list key: "people", "organizations", "deals", "leads"
    columns: tuple[Column, ...]
    filters: tuple[str, ...]  # GET parameters passed to the selector as filters
    sorts: Mapping[str, Any]  # the selector's sort table (PERSON_SORTS etc.)
    default_sort: str
    page_size: int = 50
    #: The filters whose value is a day, shown as the date input (web/date_inputs.py): it sends
    #: the picker's ISO value under the filter's name, or without the script the day as typed
    #: (``<name>_date``), read here in the viewer's format; links and saved views hold ISO.
    date_filters: tuple[str, ...] = ()

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def without(self, hidden: Any) -> ListSpec:
        """This list without the columns of ``hidden`` fields (a set of field names)."""
        if not hidden:
            return self
        kept = tuple(c for c in self.columns if not (c.field and c.field in hidden))
        return replace(self, columns=kept)

    @property
    def default_columns(self) -> list[str]:
        return [c.key for c in self.columns if c.default or c.fixed]


@dataclass
class Header:
    key: str
    label: Any
    url: str = ""  # empty when the column does not sort
    direction: str = ""  # "ascending", "descending" or ""
    priority: int = 2


@dataclass
class ListState:
    spec: ListSpec
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = ""
    columns: list[str] = field(default_factory=list)
    cursor: str | None = None
    view_id: int | None = None
    #: Rows a page, when the viewer chose one of PAGE_SIZES other than the list's own.
    per_page: int | None = None
    #: A date filter whose typed day could not be read: its text (shown again) and the error.
    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def page_size(self) -> int:
        return self.per_page or self.spec.page_size

    def page_size_choices(self) -> list[tuple[int, str, bool]]:
        """Each offered page size, with its link (back to the first page) and whether it is
        the one shown."""
        return [
            (size, self.querystring(per_page=size, cursor=None).rstrip("?"), size == self.page_size)
            for size in PAGE_SIZES
        ]

    # --- what the selector gets -------------------------------------------------------------
    def query(self) -> ListQuery:
        return ListQuery(
            filters=dict(self.filters),
            sort=self.sort or self.spec.default_sort,
            limit=self.page_size,
            cursor=self.cursor,
        )

    # --- links ------------------------------------------------------------------------------
    def params(self, **overrides: Any) -> list[tuple[str, str]]:
        """The query parameters of this state, with ``overrides`` applied (None drops one)."""
        values: dict[str, Any] = {
            "view": self.view_id,
            **self.filters,
            "sort": self.sort if self.sort and self.sort != self.spec.default_sort else None,
            "cols": ",".join(self.columns) if self.columns != self.spec.default_columns else None,
            "per_page": self.per_page,
            "cursor": self.cursor,
        }
        values.update(overrides)
        if values["sort"] == self.spec.default_sort:
            values["sort"] = None
        if values["per_page"] == self.spec.page_size:
            values["per_page"] = None
        return [(k, str(v)) for k, v in values.items() if v not in (None, "")]

    def querystring(self, **overrides: Any) -> str:
        pairs = self.params(**overrides)
        return "?" + urlencode(pairs) if pairs else "?"

    @property
    def first_page_query(self) -> str:
        return self.querystring(cursor=None)

    def next_page_query(self, next_cursor: str | None) -> str:
        return self.querystring(cursor=next_cursor) if next_cursor else ""

    @property
    def is_first_page(self) -> bool:
        return not self.cursor

    @property
    def shown(self) -> dict[str, bool]:
        return {key: True for key in self.columns}

    @property
    def has_filters(self) -> bool:
        return bool(self.filters)

    def headers(self) -> list[Header]:
        current = self.sort or self.spec.default_sort
        result = []
        for key in self.columns:
            column = self.spec.column(key)
            if column is None:
                continue
            header = Header(
                key=key, label=column.label, priority=1 if column.fixed else column.priority
            )
            if column.sort:
                # column.sort is the first click's order ("-updated": newest first).
                ascending = column.sort.lstrip("-")
                descending = "-" + ascending
                if current == ascending:
                    header.direction, target = "ascending", descending
                elif current == descending:
                    header.direction, target = "descending", ascending
                else:
                    target = column.sort
                if target not in self.spec.sorts:
                    target = column.sort
                header.url = self.querystring(sort=target, cursor=None)
            result.append(header)
        return result

    def column_choices(self) -> list[dict[str, Any]]:
        return [
            {"key": c.key, "label": c.label, "checked": c.key in self.columns, "fixed": c.fixed}
            for c in self.spec.columns
        ]

    # --- saved views ------------------------------------------------------------------------
    def saved_parts(self) -> dict[str, Any]:
        return {"filters": dict(self.filters), "sort": self.sort, "columns": list(self.columns)}

    def view_query(self, view: Any) -> str:
        """The link of a saved view's tab."""
        state = state_from_saved(self.spec, view)
        return state.querystring()

    @property
    def filter_query(self) -> str:
        """The filters alone as a query string ("" when none): what the list's count reads."""
        pairs = self.params(view=None, sort=None, cols=None, per_page=None, cursor=None)
        return "?" + urlencode(pairs) if pairs else ""

    def hidden_inputs(self) -> list[tuple[str, str]]:
        """The state as hidden form fields (for the "save view" form), without the cursor."""
        return self.params(view=None, per_page=None, cursor=None)


def _clean_value(value: Any) -> str:
    return str(value or "").replace("\x00", "").strip()[:MAX_FILTER_LENGTH]


def _columns(spec: ListSpec, raw: Iterable[str]) -> list[str]:
    wanted: list[str] = []
    for item in raw:
        for key in str(item).split(","):
            key = key.strip()
            if key and spec.column(key) is not None and key not in wanted:
                wanted.append(key)
    if not wanted:
        return spec.default_columns
    # Keep the list's own column order; the record's name is always there.
    return [c.key for c in spec.columns if c.fixed or c.key in wanted]


def _sort(spec: ListSpec, value: str) -> str:
    return value if value in spec.sorts else ""


def _per_page(spec: ListSpec, value: str | None) -> int | None:
    size = id_or_none(value)
    return size if size in PAGE_SIZES and size != spec.page_size else None


def state_from_saved(spec: ListSpec, view: Any) -> ListState:
    filters = {k: _clean_value(v) for k, v in (view.filters or {}).items() if k in spec.filters}
    return ListState(
        spec=spec,
        filters={k: v for k, v in filters.items() if v},
        sort=_sort(spec, view.sort or ""),
        columns=_columns(spec, view.columns or []),
        view_id=view.pk,
    )


def parse_state(spec: ListSpec, data: QueryDict, saved_views: Iterable[Any] = ()) -> ListState:
    """The list state from GET parameters. ``?view=<id>`` alone opens that saved view; with other
    parameters it only marks the view's tab as the one being refined."""
    view_id = id_or_none(data.get("view"))
    view = next((v for v in saved_views if v.pk == view_id), None)
    if view is None:
        view_id = None
    cursor = (data.get("cursor") or "")[:MAX_CURSOR_LENGTH] or None
    per_page = _per_page(spec, data.get("per_page"))
    own_keys = {*spec.filters, *(f"{n}_date" for n in spec.date_filters), "sort", "cols"}
    if view is not None and not any(k in data for k in own_keys):
        state = state_from_saved(spec, view)
        state.cursor, state.per_page = cursor, per_page
        return state
    filters = {name: _clean_value(data.get(name)) for name in spec.filters}
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in spec.date_filters:
        filters[name] = _date_filter(data, name, typed, errors)
    return ListState(
        spec=spec,
        filters={k: v for k, v in filters.items() if v},
        sort=_sort(spec, data.get("sort", "")),
        columns=_columns(spec, data.getlist("cols")),
        cursor=cursor,
        view_id=view_id,
        per_page=per_page,
        typed=typed,
        errors=errors,
    )


def _date_filter(data: QueryDict, name: str, typed: dict[str, str], errors: dict[str, str]) -> str:
    """A date filter's ISO day: the picker's value as sent (a link's value is checked by the
    selector, as the API's is), else the day typed in the viewer's format; text that is not a
    day is kept in ``typed`` with its translated error in ``errors``, and filters nothing."""
    if name in data:
        return _clean_value(data.get(name))
    text = _clean_value(data.get(f"{name}_date"))
    try:
        day = parse_date_input(text, field=name)
    except ValidationFailed as exc:
        typed[name] = text
        errors[name] = exc.fields.get(name) or exc.message
        return ""
    return day.isoformat() if day is not None else ""


def typed_dates(spec: ListSpec, data: QueryDict) -> bool:
    """Whether ``data`` holds a typed day of a date filter (``<name>_date``), which the list
    answers with its short link, where the day is ISO whatever the viewer's format."""
    return any(f"{name}_date" in data for name in spec.date_filters)


# --- the list page ------------------------------------------------------------------------------
def list_page(
    request: Any,
    *,
    spec: ListSpec,
    select: Any,
    template: str,
    context: dict[str, Any] | None = None,
    access: Any = None,
) -> Any:
    """Render a list page: parse the state, read one page through ``select(query)``, and handle
    the saved-view actions (POST ``_action=save_view`` / ``delete_view``). ``access``: the
    viewer's field access for this record type (accounts.policy.FieldAccess): columns of hidden
    fields are not offered, and the template gets ``show``."""
    if access is not None:
        spec = spec.without(access.hidden)
    if request.method == "POST":
        action = request.POST.get("_action")
        posted = parse_state(spec, request.POST)
        if action == "save_view":
            try:
                view = saved_view_create(
                    actor=request.user,
                    list_key=spec.key,
                    name=request.POST.get("view_name", ""),
                    is_shared=request.POST.get("is_shared") == "on",
                    **posted.saved_parts(),
                )
            except ServiceError as exc:
                messages.error(request, " ".join([exc.message, *exc.fields.values()]))
                return redirect(request.path + posted.querystring(view=None, cursor=None))
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return redirect(request.path + f"?view={view.pk}")
        if action == "delete_view":
            saved_view_delete(
                actor=request.user, list_key=spec.key, saved_view_id=request.POST.get("view_id")
            )
            messages.success(request, _("The view was deleted."))
            return redirect(request.path)
        return redirect(request.path)

    views = saved_views_for(request.user, spec.key)
    state = parse_state(spec, request.GET, views)
    # A submitted filter form sends every field, empty or not, and one "cols" per box: answer
    # with the short link, so what is in the address bar is worth sharing and saving.
    # A typed day (the date input without its script) is answered the same way, in ISO.
    short = any(not v for v in request.GET.values()) or len(request.GET.getlist("cols")) > 1
    if not state.errors and (short or typed_dates(spec, request.GET)):
        return redirect((request.path + state.querystring()).rstrip("?"))
    list_error = " ".join(dict.fromkeys(state.errors.values()))
    try:
        page = select(state.query())
    except ValidationFailed as exc:
        # A hand-edited or stale link: say what was wrong and show the list unfiltered.
        said = [list_error, *exc.fields.values(), exc.message]
        list_error = " ".join(dict.fromkeys(filter(None, said)))
        state = ListState(
            spec=spec,
            columns=state.columns,
            per_page=state.per_page,
            typed=state.typed,
            errors=state.errors,
        )
        page = select(state.query())
    active_view = next((v for v in views if v.pk == state.view_id), None)
    rt = registry.by_list_key(spec.key)
    if rt is not None:
        # The columns shown: a sensitive field's values among them is a read, audited once
        # for the page (core/sensitive.py).
        columns = [c for c in map(spec.column, state.shown) if c is not None]
        fields = [name for c in columns for name in (c.field, *c.also) if name]
        note_shown(request.user, rt.key, [r.pk for r in page.items], fields)
    ctx = {
        "state": state,
        "page": page,
        "rows": page.items,
        "next_cursor": page.next_cursor,
        "headers": state.headers(),
        "cols": state.shown,
        "saved_views": [(v, state.view_query(v)) for v in views],
        "active_view": active_view,
        "list_error": list_error,
        "show": access.show if access is not None else defaultdict(lambda: True),
        **(context or {}),
    }
    return render(request, template, ctx)
