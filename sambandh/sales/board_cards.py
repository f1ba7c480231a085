"""The deal board's cards, written in Python.

A board shows up to ``selectors.BOARD_CARDS_PER_STAGE`` cards in each stage, and the template
language spent most of the page's time on them (about 150 cards, each a dozen variables, filters
and a translated label: bench/bench_pages.py). This is the card's only markup;
``sales/_board.html`` places it. Every value is escaped by ``format_html``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sambandh.sales.templatetags.sales import money
from sambandh.web.templatetags.web import icon, initials

_CARD = (
    '<article class="board-card"{draggable} tabindex="0" data-move-url="{move_url}"'
    ' data-version="{version}" data-deal-id="{pk}" aria-label="{name}">'
    '<div class="board-card-title"><a href="{detail_url}" draggable="false">{name}</a></div>'
    "{organization}"
    '<div class="board-card-foot">{amount}<span class="board-card-meta">{close}'
    '<span class="avatar avatar-sm" title="{owner}"><span aria-hidden="true">{initials}</span>'
    '<span class="sr-only">{owner}</span></span></span></div>'
    "{form}</article>"
)
_ORGANIZATION = '<div class="board-card-meta">{icon}<span class="truncate">{name}</span></div>'
_CLOSE = '<time datetime="{iso}">{shown}</time>'
_FORM = (
    '<form class="board-move-form" method="post" action="{move_url}">{csrf}'
    '<input type="hidden" name="version" value="{version}">'
    '<input type="hidden" name="next" value="{next}">'
    '<label class="sr-only" for="move-{pk}">{label}</label>'
    '<select id="move-{pk}" name="stage" data-board-move>{options}</select>'
    '<noscript><button type="submit" class="btn btn-sm">{move}</button></noscript></form>'
)


def _move_options(stages: list[Any], here: int) -> SafeString:
    """The "Move to" choices of a card in stage ``here``: the same for its whole column."""
    return mark_safe(  # noqa: S308 - names escaped, markup ours
        "".join(
            f'<option value="{s.pk}"{" selected" if s.pk == here else ""}>'
            f"{escape(str(_('Move to…')) if s.pk == here else s.name)}</option>"
            for s in stages
        )
    )


def prepare_cards(
    columns: list[Any],
    stages: list[Any],
    query: str,
    *,
    csrf_input: str,
    next_url: str,
    show_amount: bool,
) -> None:
    """Give every card of the board its markup (``deal.card_html``)."""
    detail = reverse("sales:deal_detail", args=[1]).replace("/1/", "/{}/")
    move = reverse("sales:deal_move", args=[1]).replace("/1/", "/{}/")
    org_icon = icon("organization", "icon-sm")
    move_word = _("Move")
    for column in columns:
        options = _move_options(stages, column.stage.pk)
        for deal in column.deals:
            move_url = f"{move.format(deal.pk)}?{query}"
            deal.card_html = card_html(  # the template places it
                deal,
                detail_url=detail.format(deal.pk),
                move_url=move_url,
                organization=format_html(
                    _ORGANIZATION, icon=org_icon, name=deal.shown_organization.name
                )
                if deal.shown_organization
                else "",
                form=format_html(
                    _FORM,
                    move_url=move_url,
                    csrf=csrf_input,
                    version=deal.version,
                    next=next_url,
                    pk=deal.pk,
                    label=_("Move %(name)s to") % {"name": deal.name},
                    options=options,
                    move=move_word,
                )
                if deal.can_edit
                else "",
                show_amount=show_amount,
            )


def card_html(
    deal: Any,
    *,
    detail_url: str,
    move_url: str,
    organization: str,
    form: str,
    show_amount: bool,
) -> SafeString:
    close = deal.expected_close_date
    return format_html(
        _CARD,
        draggable=mark_safe(' draggable="true"') if deal.can_edit else "",
        move_url=move_url,
        version=deal.version,
        pk=deal.pk,
        name=deal.name,
        detail_url=detail_url,
        organization=organization,
        amount=format_html(
            '<span class="board-card-amount">{}</span>', money(deal.amount, deal.currency)
        )
        if show_amount
        else "",
        close=format_html(
            _CLOSE, iso=close.isoformat(), shown=date_format(close, "SHORT_DATE_FORMAT")
        )
        if close
        else "",
        owner=str(deal.owner),
        initials=initials(deal.owner),
        form=form,
    )
