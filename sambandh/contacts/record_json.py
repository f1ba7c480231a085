"""A person's API record built as JSON by the database, in one statement.

``GET /api/v1/people/{id}`` is the API's hottest read. Through the ORM it cost six queries and
milliseconds of Python (the person, then tags, emails, phones, addresses); here the database
answers the finished document from one row (the contact points and tag names are kept on it,
contacts/cards.py) and two primary-key joins, and the API sends it as it comes.

This is the API's person record (``PersonOut`` documents it); the tests in
contacts/tests/test_record_json.py check it against the rows on both databases. ``{ids}`` is
the compiled, visibility-filtered query (sambandh/core/compiled.py) answering the person's id
and ``org_visible``, whether the viewer may see the person's organization. No ``%`` may appear
here: the statement goes through the driver's parameter formatting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def _sqlite_time(col: str) -> str:
    # Django keeps UTC datetimes on SQLite as 'YYYY-MM-DD HH:MM:SS[.ffffff]'. The API writes
    # them as Django's JSON encoder does (every other endpoint goes through it): ISO 8601 in UTC
    # with a Z, to the millisecond, without a fraction when there is none.
    return f"replace(substr({col}, 1, 23), ' ', 'T') || 'Z'"


def _postgres_time(col: str) -> str:
    utc = f"({col} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN date_trunc('second', {col}) = {col} THEN '' ELSE to_char({utc}, '.MS') END"
        " || 'Z'"
    )


@dataclass(frozen=True)
class _Dialect:
    build_object: str  # the JSON object constructor
    organization: str  # the organization reference, or null
    card: Callable[[str], str]  # a list kept on the contact card
    as_json: Callable[[str], str]  # a JSON column, embedded as JSON (not as a string)
    time: Callable[[str], str]
    finish: str = ""  # what turns the object into the text the driver answers


_DIALECTS = {
    "sqlite": _Dialect(
        build_object="json_object",
        organization="json(CASE WHEN o.id IS NULL THEN NULL "
        "ELSE json_object('id', o.id, 'name', o.name) END)",
        card=lambda key: f"json_extract(p.contact_card, '$.{key}')",
        as_json=lambda col: f"json({col})",
        time=_sqlite_time,
    ),
    "postgresql": _Dialect(
        build_object="json_build_object",
        organization="CASE WHEN o.id IS NULL THEN NULL "
        "ELSE json_build_object('id', o.id, 'name', o.name) END",
        card=lambda key: f"p.contact_card -> '{key}'",
        as_json=lambda col: col,
        time=_postgres_time,
        finish="::text",
    ),
}

# The person's own columns, in PersonOut's order around the lists and references.
_NAMES = (
    "id",
    "version",
    "full_name",
    "honorific",
    "given_name",
    "family_name",
    "job_title",
    "birth_date",
    "email",
    "phone",
)
_ABOUT = (
    "preferred_language",
    "time_zone",
    "currency",
    "country",
    "source",
    "residency",
    "description",
)


def _statement(d: _Dialect) -> str:
    fields = [
        *((name, f"p.{name}") for name in _NAMES),
        ("organization", d.organization),
        *((key, d.card(key)) for key in ("emails", "phones", "addresses")),
        *((name, f"p.{name}") for name in _ABOUT),
        ("tags", d.as_json("p.tag_names")),
        (
            "owner",
            f"{d.build_object}('id', u.id, 'name', COALESCE(NULLIF(u.full_name, ''), u.email))",
        ),
        ("custom", d.as_json("p.custom")),
        ("created_at", d.time("p.created_at")),
        ("updated_at", d.time("p.updated_at")),
    ]
    pairs = ",\n    ".join(f"'{key}', {expression}" for key, expression in fields)
    return (
        f"SELECT {d.build_object}(\n    {pairs}\n){d.finish}, p.version, v.role_rules,"
        " v.removed_custom, v.lookup_custom, v.sensitive_marked\n"
        "FROM contacts_person p\n"
        "JOIN ({ids}) v ON v.id = p.id\n"
        # The organization only when the viewer may see it (the ids query says so): a link to
        # a record the viewer may not see shows neither its name nor its id.
        "LEFT JOIN contacts_organization o ON o.id = p.organization_id AND v.org_visible\n"
        "JOIN accounts_user u ON u.id = p.owner_id"
    )


PERSON_JSON = {vendor: _statement(dialect) for vendor, dialect in _DIALECTS.items()}


def person_json_sql(ids_sql: str, vendor: str) -> str:
    try:
        template = PERSON_JSON[vendor]
    except KeyError:
        raise NotImplementedError(f"no person JSON statement for {vendor}") from None
    return template.replace("{ids}", ids_sql)
