"""A person's API record built as JSON by the database, in one statement.

``GET /api/v1/people/{id}`` is the API's hottest read. Through the ORM it cost six queries and
milliseconds of Python (the person, then tags, emails, phones, addresses); here the database
answers the finished document from one row (the contact points and tag names are kept on it,
contacts/cards.py) and two primary-key joins, and the API sends it as it comes.

This is the API's person record (``PersonOut`` documents it); the tests in
contacts/tests/test_record_json.py check it against the rows on both databases. ``{ids}`` is
the compiled, visibility-filtered id query (sambandh/core/compiled.py). No ``%`` may appear
here: the statement goes through the driver's parameter formatting.
"""

from __future__ import annotations


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


_SQLITE = f"""
SELECT json_object(
    'id', p.id,
    'version', p.version,
    'full_name', p.full_name,
    'given_name', p.given_name,
    'family_name', p.family_name,
    'job_title', p.job_title,
    'email', p.email,
    'phone', p.phone,
    'organization', json(CASE WHEN o.id IS NULL THEN NULL
                         ELSE json_object('id', o.id, 'name', o.name) END),
    'emails', json_extract(p.contact_card, '$.emails'),
    'phones', json_extract(p.contact_card, '$.phones'),
    'addresses', json_extract(p.contact_card, '$.addresses'),
    'preferred_language', p.preferred_language,
    'time_zone', p.time_zone,
    'currency', p.currency,
    'country', p.country,
    'source', p.source,
    'description', p.description,
    'tags', json(p.tag_names),
    'owner', json_object('id', u.id, 'name', COALESCE(NULLIF(u.full_name, ''), u.email)),
    'custom', json(p.custom),
    'created_at', {_sqlite_time("p.created_at")},
    'updated_at', {_sqlite_time("p.updated_at")}
), p.version
FROM contacts_person p
LEFT JOIN contacts_organization o ON o.id = p.organization_id
JOIN accounts_user u ON u.id = p.owner_id
WHERE p.id IN ({{ids}})
"""  # noqa: S608 - constant SQL; only our own column expressions are formatted in

_POSTGRES = f"""
SELECT json_build_object(
    'id', p.id,
    'version', p.version,
    'full_name', p.full_name,
    'given_name', p.given_name,
    'family_name', p.family_name,
    'job_title', p.job_title,
    'email', p.email,
    'phone', p.phone,
    'organization', CASE WHEN o.id IS NULL THEN NULL
                    ELSE json_build_object('id', o.id, 'name', o.name) END,
    'emails', p.contact_card -> 'emails',
    'phones', p.contact_card -> 'phones',
    'addresses', p.contact_card -> 'addresses',
    'preferred_language', p.preferred_language,
    'time_zone', p.time_zone,
    'currency', p.currency,
    'country', p.country,
    'source', p.source,
    'description', p.description,
    'tags', p.tag_names,
    'owner', json_build_object('id', u.id, 'name', COALESCE(NULLIF(u.full_name, ''), u.email)),
    'custom', p.custom,
    'created_at', {_postgres_time("p.created_at")},
    'updated_at', {_postgres_time("p.updated_at")}
)::text, p.version
FROM contacts_person p
LEFT JOIN contacts_organization o ON o.id = p.organization_id
JOIN accounts_user u ON u.id = p.owner_id
WHERE p.id IN ({{ids}})
"""  # noqa: S608 - constant SQL; only our own column expressions are formatted in

PERSON_JSON = {"sqlite": _SQLITE, "postgresql": _POSTGRES}


def person_json_sql(ids_sql: str, vendor: str) -> str:
    try:
        template = PERSON_JSON[vendor]
    except KeyError:
        raise NotImplementedError(f"no person JSON statement for {vendor}") from None
    return template.replace("{ids}", ids_sql)
