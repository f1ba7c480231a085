"""A list's rows written in Python, one string per row: the list pages' hot path.

A row of the people list rendered through the template engine took about a millisecond (a
lookup and a node per cell, an include per checkbox and per tag list); fifty rows were most of
the page's time. Each list describes its cells once as ``Cell``s (a column key, the cell's
class, and a function from the record to its HTML), and ``table_rows`` writes the shown ones
for every row, in the table head's column order. The head stays a template
(home/_list_table_head.html).

Cells build their HTML with ``esc`` (the standard library's ``html.escape``, which escapes the
same five characters as Django's ``escape``) around every value: Django's ``format_html`` is
several times slower, and a page writes some five hundred cells.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sambandh.core import formats


def esc(value: Any) -> str:
    """A value as HTML text or attribute: ``html.escape`` of its string, quotes included."""
    return html.escape(str(value))


@dataclass(frozen=True)
class Cell:
    key: str  # the list column's key (web/lists.py Column.key)
    render: Callable[[Any], str]  # the record -> the cell's inner HTML, values escaped
    css: str = ""


def check_cell(record: Any) -> str:
    """The bulk selection's box (bulk/_row_cell.html writes the same in templates)."""
    label = _("Select %(name)s") % {"name": record}
    return (
        f'<td class="col-check"><input type="checkbox" name="ids" value="{record.pk}" '
        f'form="bulk-form" data-bulk-row aria-label="{esc(label)}"></td>'
    )


def time_cell(value: Any) -> str:
    """A date as the viewer reads it, in a <time> with the machine value."""
    if value is None:
        return ""
    return f'<time datetime="{esc(formats.iso(value))}">{esc(formats.date(value))}</time>'


def link(url: str, text: Any, css: str = "") -> str:
    attr = f' class="{css}"' if css else ""
    return f'<a href="{esc(url)}"{attr}>{esc(text)}</a>'


def tags_html(tags: Iterable[Any]) -> str:
    return "".join(f'<span class="tag">{esc(t.name)}</span>' for t in tags)


def table_rows(
    rows: Sequence[Any], cells: Sequence[Cell], *, shown: Iterable[str], bulk: bool
) -> SafeString:
    """Every row's <tr>: the bulk box first when ``bulk``, then the cells of the ``shown``
    column keys in that order (the table head's order: web/lists.py ListState.columns)."""
    by_key = {c.key: c for c in cells}
    used = [
        (f'<td class="{c.css}">' if c.css else "<td>", c.render)
        for c in (by_key[key] for key in shown if key in by_key)
    ]
    out: list[str] = []
    for record in rows:
        parts = ["<tr>"]
        if bulk:
            parts.append(check_cell(record))
        for opening, render in used:
            parts.append(opening)
            parts.append(render(record))
            parts.append("</td>")
        parts.append("</tr>")
        out.append("".join(parts))
    return mark_safe("\n".join(out))  # noqa: S308 - every cell escapes its values (esc)
