"""Numbers, amounts, dates and times in the viewer's format locale (core.formats). Load with
{% load formats %}; use these instead of Django's ``|date``, ``|naturaltime`` and ``localize``, so
every page writes dates in one style.

    {{ deal.amount|format_money:deal.currency }}   ₹12,34,567.50
    {{ person.created_at|format_datetime }}        1 Sept 2026, 7:21 pm
    {{ a.started_on|format_date }}                 1 Sept 2026
    {{ n.created_at|format_relative }}             3 days ago
    <time datetime="{{ x|isotime }}">              2026-09-01T13:51:00+00:00
    {{ person.time_zone|local_time }}              14:05
"""

from __future__ import annotations

from django import template

from sambandh.core import formats

register = template.Library()


@register.filter
def format_number(value: object, decimals: object = None) -> str:
    places = None if decimals in (None, "") else int(str(decimals))
    return formats.number(value, decimals=places)


@register.filter
def format_money(amount: object, currency: object) -> str:
    return formats.money(amount, currency)


@register.filter
def format_percent(value: object) -> str:
    return formats.percent(value)


@register.filter
def format_date(value: object) -> str:
    return formats.date(value)


@register.filter
def format_datetime(value: object) -> str:
    return formats.datetime(value)


@register.filter
def format_time(value: object) -> str:
    return formats.time(value)


@register.filter
def format_relative(value: object) -> str:
    return formats.relative(value)


@register.filter
def isotime(value: object) -> str:
    return formats.iso(value)


@register.filter
def local_time(zone_name: object) -> str:
    """The time of day now in the zone an IANA name stands for ("" for blank or unknown)."""
    return formats.local_time(str(zone_name or ""))


@register.filter
def utc_offset(zone_name: object) -> str:
    return formats.utc_offset(str(zone_name or ""))
