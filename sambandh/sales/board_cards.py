"""The deal board's cards, written in Python.

A board shows up to ``selectors.BOARD_CARDS_PER_STAGE`` cards in each stage, and the template
language spent most of the page's time on them (about 150 cards, each a dozen variables, filters
and a translated label: bench/bench_pages.py). This is the card's only markup;
``sales/_board.html`` places it. Every value is escaped by ``_e`` (``html.escape``, quotes
too), which a board calls thousands of times: Django's ``format_html`` cost a third of the page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.core import formats
from sambandh.core.errors import ValidationFailed
from sambandh.core.sensitive import note_values
from sambandh.sales import selectors
from sambandh.sales.templatetags.sales import money
from sambandh.web.templatetags.web import icon, initials


def _e(value: Any) -> str:
    """``value`` escaped for HTML text and attribute values (quotes too), as Django's escape
    does, without its lazy-string and SafeString machinery (a board escapes thousands)."""
    return escape(str(value), quote=True)


def _move_options(stages: list[Any], here: int) -> str:
    """The "Move to" choices of a card in stage ``here``: the same for its whole column."""
    return "".join(
        f'<option value="{s.pk}"{" selected" if s.pk == here else ""}>'
        f"{_e(_('Move to…') if s.pk == here else s.name)}</option>"
        for s in stages
    )


def csrf_input(request: Any) -> str:
    """The CSRF field every card's form repeats, written once."""
    from django.middleware.csrf import get_token
    from django.utils.html import format_html

    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


def note_cards(viewer: Any, columns: list[Any], access: Any) -> None:
    """The cards show the amount, the expected close date and the organization (those the
    viewer's field ``access`` shows): one read for the board when any is marked sensitive."""
    fields: dict[str, Any] = {
        "amount": ("amount", "currency"),  # written with its currency
        "expected_close_date": "expected_close_date",
        "shown_organization": "organization",
    }
    shown = {
        attr: names
        for attr, names in fields.items()
        if access.shows(names if isinstance(names, str) else names[0])
    }
    cards = [deal for column in columns for deal in column.deals]
    note_values(viewer, "deal", cards, shown, via="board")


def prepare_cards(
    columns: list[Any],
    stages: list[Any],
    query: str,
    *,
    csrf_input: str,
    next_url: str,
    show_amount: bool,
    show_close: bool = True,
) -> None:
    """Give every card of the board its markup (``deal.card_html``)."""
    detail = reverse("sales:deal_detail", args=[1]).replace("/1/", "/{}/")
    panel = reverse("panels:record", args=["deal", 1]).replace("/1/", "/{}/")
    move = reverse("sales:deal_move", args=[1]).replace("/1/", "/{}/")
    org_icon = str(icon("organization", "icon-sm"))
    move_word = _e(_("Move"))
    csrf = str(csrf_input)  # Django's own markup: a hidden input with the token
    next_value = _e(next_url)
    query_value = _e(query)
    for column in columns:
        options = _move_options(stages, column.stage.pk)
        for deal in column.deals:
            move_url = f"{move.format(deal.pk)}?{query_value}"
            organization = ""
            if deal.shown_organization:
                organization = (
                    f'<div class="board-card-meta">{org_icon}'
                    f'<span class="truncate">{_e(deal.shown_organization.name)}</span></div>'
                )
            form = ""
            if deal.can_edit:
                label = _e(_("Move %(name)s to") % {"name": deal.name})
                form = (
                    f'<form class="board-move-form" method="post" action="{move_url}">{csrf}'
                    f'<input type="hidden" name="version" value="{deal.version}">'
                    f'<input type="hidden" name="next" value="{next_value}">'
                    f'<label class="sr-only" for="move-{deal.pk}">{label}</label>'
                    f'<select id="move-{deal.pk}" name="stage" data-board-move>{options}</select>'
                    f'<noscript><button type="submit" class="btn btn-sm">{move_word}</button>'
                    "</noscript></form>"
                )
            deal.card_html = card_html(  # the template places it
                deal,
                detail_url=detail.format(deal.pk),
                panel_url=panel.format(deal.pk),
                move_url=move_url,
                organization=organization,
                form=form,
                show_amount=show_amount,
                show_close=show_close,
            )


def card_html(
    deal: Any,
    *,
    detail_url: str,
    panel_url: str,
    move_url: str,
    organization: str,
    form: str,
    show_amount: bool,
    show_close: bool = True,
) -> SafeString:
    """One card; ``organization`` and ``form`` are markup made by ``prepare_cards``."""
    name = _e(deal.name)
    owner = _e(deal.owner)
    close = deal.expected_close_date if show_close else None
    shown_close = (
        f'<time datetime="{close.isoformat()}">{_e(formats.date(close))}</time>' if close else ""
    )
    amount = (
        f'<span class="board-card-amount">{_e(money(deal.amount, deal.currency))}</span>'
        if show_amount
        else ""
    )
    draggable = ' draggable="true"' if deal.can_edit else ""
    return mark_safe(  # noqa: S308 - every value escaped by _e, the markup is ours
        f'<article class="board-card"{draggable} tabindex="0" data-move-url="{move_url}"'
        f' data-version="{deal.version}" data-deal-id="{deal.pk}" aria-label="{name}">'
        f'<div class="board-card-title"><a href="{detail_url}" draggable="false"'
        f' data-panel="{panel_url}">{name}</a></div>'
        f"{organization}"
        f'<div class="board-card-foot">{amount}<span class="board-card-meta">{shown_close}'
        f'<span class="avatar avatar-sm" title="{owner}"><span aria-hidden="true">'
        f'{_e(initials(deal.owner))}</span><span class="sr-only">{owner}</span></span></span>'
        f"</div>{form}</article>"
    )


def board_context(
    request: Any, pipeline: Any, filters: dict[str, str], error: str = ""
) -> dict[str, Any]:
    """The board of ``pipeline`` (filtered) for its page and for a move's answer: its columns,
    their cards prepared, the cards' reads noted."""
    columns = []
    try:
        if pipeline is not None:
            columns = selectors.deal_board(viewer=request.user, pipeline=pipeline, filters=filters)
    except ValidationFailed as exc:
        error = error or " ".join([*exc.fields.values()]) or exc.message
        filters = {}
        columns = selectors.deal_board(viewer=request.user, pipeline=pipeline)
    query = urlencode({"pipeline": pipeline.pk, **filters}) if pipeline else ""
    stages = [c.stage for c in columns]
    access = policy.field_access(request.user, "deal")
    prepare_cards(
        columns,
        stages,
        query,
        csrf_input=csrf_input(request),
        next_url=f"{request.path}?{query}",
        show_amount=access.shows("amount"),
        show_close=access.shows("expected_close_date"),
    )
    note_cards(request.user, columns, access)
    return {
        "pipeline": pipeline,
        "columns": columns,
        "stages": stages,
        "board_query": query,
        "board_filters": filters,
        "board_error": error,
        "cards_per_stage": selectors.BOARD_CARDS_PER_STAGE,
    }
