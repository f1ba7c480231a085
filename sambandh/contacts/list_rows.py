"""The people and organization lists' rows, written by web/rows.py (see there for why and
how)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString

from sambandh.accounts import policy
from sambandh.accounts.regions import user_region
from sambandh.core.cleaning import format_phone
from sambandh.customfields.lists import cell as custom_cell
from sambandh.web.forms import country_choices
from sambandh.web.rows import Cell, esc, link, table_rows, tags_html, time_cell
from sambandh.web.templatetags.web import initials


@cache
def _url_prefix(name: str, *args: str) -> str:
    """``/people/`` for ``contacts:person_detail``: the record's id and "/" follow."""
    return reverse(name, args=[*args, 0]).removesuffix("0/")


def _person_name(p: Any, show_title: bool = True) -> str:
    sub = f'<span class="cell-sub">{esc(p.job_title)}</span>' if p.job_title and show_title else ""
    return (
        '<div class="cell-entity"><span class="avatar avatar-sm" aria-hidden="true">'
        f"{esc(initials(p.full_name))}</span><div>"
        f'<a class="row-link" href="{_url_prefix("contacts:person_detail")}{p.pk}/" '
        f'data-panel="{_url_prefix("panels:record", "person")}{p.pk}/">{esc(p.full_name)}</a>'
        f"{sub}</div></div>"
    )


def custom_cells(custom_columns: Sequence[str]) -> list[Cell]:
    """The cells of a list's custom field columns (``custom.<key>``)."""

    def writer(key: str) -> Callable[[Any], str]:
        return lambda record: esc(custom_cell(record, key))

    return [Cell(key, writer(key), "cell-clip") for key in custom_columns]


def _common_cells() -> list[Cell]:
    """Owner, tags, country, updated and created: the same on both lists."""
    countries = dict(country_choices())
    return [
        Cell("owner", lambda r: esc(r.owner) if r.owner_id else "", "nowrap"),
        Cell("tags", lambda r: f'<div class="cluster">{tags_html(r.tags.all())}</div>'),
        Cell("country", lambda r: esc(countries.get((r.country or "").upper(), r.country or ""))),
        Cell("updated", lambda r: time_cell(r.updated_at), "nowrap muted"),
        Cell("created", lambda r: time_cell(r.created_at), "nowrap muted"),
    ]


def person_rows(
    rows: Sequence[Any],
    *,
    viewer: Any,
    shown: Iterable[str],
    custom_columns: Sequence[str] = (),
    bulk: bool = False,
) -> SafeString:
    region = user_region(viewer) if viewer is not None else ""
    org_url = _url_prefix("contacts:organization_detail")
    # The job title under the name, unless the viewer's field access hides it.
    show_title = viewer is None or policy.field_access(viewer, "person").shows("job_title")

    def phone(p: Any) -> str:
        if not p.phone:
            return ""
        shown_number = format_phone(p.phone, viewer_region=region)
        return f'<a href="tel:{esc(p.phone)}">{esc(shown_number)}</a>'

    def organization(p: Any) -> str:
        org = p.shown_organization
        return link(f"{org_url}{org.pk}/", org.name) if org else ""

    cells = [
        Cell("name", lambda p: _person_name(p, show_title), "col-main"),
        Cell("email", lambda p: link(f"mailto:{p.email}", p.email) if p.email else "", "cell-clip"),
        Cell("phone", phone, "nowrap"),
        Cell("organization", organization, "cell-clip"),
        *_common_cells(),
        *custom_cells(custom_columns),
    ]
    return table_rows(rows, cells, shown=shown, bulk=bulk)


def _organization_name(o: Any) -> str:
    return (
        '<div class="cell-entity"><span class="avatar avatar-sm avatar-square avatar-blue" '
        f'aria-hidden="true">{esc(initials(o.name))}</span><div>'
        f'<a class="row-link" href="{_url_prefix("contacts:organization_detail")}{o.pk}/" '
        f'data-panel="{_url_prefix("panels:record", "organization")}{o.pk}/">{esc(o.name)}</a>'
        "</div></div>"
    )


def organization_rows(
    rows: Sequence[Any],
    *,
    viewer: Any,
    shown: Iterable[str],
    custom_columns: Sequence[str] = (),
    bulk: bool = False,
) -> SafeString:
    org_url = _url_prefix("contacts:organization_detail")

    def parent(o: Any) -> str:
        shown_parent = o.shown_parent
        return link(f"{org_url}{shown_parent.pk}/", shown_parent.name) if shown_parent else ""

    cells = [
        Cell("name", _organization_name, "col-main"),
        Cell("domain", lambda o: f'<span class="muted">{esc(o.domain)}</span>' if o.domain else ""),
        Cell("industry", lambda o: esc(o.industry)),
        Cell("parent", parent),
        *_common_cells(),
        *custom_cells(custom_columns),
    ]
    return table_rows(rows, cells, shown=shown, bulk=bulk)
