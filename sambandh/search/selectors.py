"""Global search: find the people, organizations, deals and leads a viewer may see.

Every query goes through the full-text index (SQLite FTS5 ``MATCH``, PostgreSQL ``@@`` on the
GIN-indexed tsvector) or the ordinary index on ``title_key``; none scans the whole table. Two
candidate sets are read and ranked here:

1. titles that start with the query (``title_key`` prefix, from its B-tree index), at most
   ``limit`` of them: exact and prefix title matches always make it to the top, even when the
   words also match thousands of other documents (an organization's name is a word of every
   person who works there);
2. documents that contain every query token as a word prefix, capped before ranking, so a short
   query that matches half the table costs as much as one that matches a few rows.

Ranking (in Python, on at most a few hundred rows): the whole title equals the query, the title
starts with it, every query token starts a word of the title, then everything else; ties by title.

Limits: a token matches the start of a word, not its middle (except for names written without
spaces, whose every suffix is indexed: see ``sambandh.search.text``); a phone number is found by
its full international or national digits or a prefix of them, not by its last digits alone; one
letter alone (in an alphabetic script) finds nothing. On PostgreSQL, when nothing matches, a
trigram similarity search finds near misses (one wrong or missing letter in a longer word).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse

from sambandh.accounts.visibility import scope_for, visible_q
from sambandh.search import text
from sambandh.search.models import SearchDocument

RECORD_TYPES: tuple[str, ...] = ("person", "organization", "deal", "lead")
MAX_LIMIT = 50
# Full-text candidates read before ranking: enough to fill a page after the title matches.
MIN_CANDIDATES = 50
_TYPE_ORDER = {name: n for n, name in enumerate(RECORD_TYPES)}
_URL_NAMES = {
    "person": "contacts:person_detail",
    "organization": "contacts:organization_detail",
    "deal": "sales:deal_detail",
    "lead": "sales:lead_detail",
}
_FIELDS = ("id", "record_type", "record_id", "title", "subtitle", "title_key", "terms")
# The indexed expressions (migration 0002): the query must spell them exactly the same way.
_PG_VECTOR = "to_tsvector('simple'::regconfig, {title} || ' ' || {subtitle} || ' ' || {terms})"
_PG_TRIGRAM = "lower({title} || ' ' || {terms})"


class _Row(NamedTuple):
    id: int
    record_type: str
    record_id: int
    title: str
    subtitle: str
    title_key: str
    terms: str


@dataclass(frozen=True)
class SearchHit:
    record_type: str
    record_id: int
    title: str
    subtitle: str
    url: str


def record_url(record_type: str, record_id: int) -> str:
    try:
        return reverse(_URL_NAMES[record_type], args=[record_id])
    except NoReverseMatch:
        # TODO(lead): remove once the record pages exist; every type then has a detail view.
        return "#"


class _TextMatch(Func):
    """``<indexed expression> <operator> <query>`` over a document's columns (PostgreSQL)."""

    output_field = BooleanField()

    def __init__(self, query: str, *, template: str) -> None:
        super().__init__(F("title"), F("subtitle"), F("terms"), Value(query))
        self.sql_template = template

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for expression in self.source_expressions:
            sql, sql_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(sql_params)
        title, subtitle, terms, query = parts
        table = title.rpartition(".")[0]
        sql = self.sql_template.format(
            table=table, title=title, subtitle=subtitle, terms=terms, query=query
        )
        return sql, params


def _title_prefix(documents: QuerySet[SearchDocument], key: str) -> QuerySet[SearchDocument]:
    """Titles starting with ``key``: a range on title_key's index, in code-point order (the
    column's collation is "C" on PostgreSQL, see migration 0003; SQLite's is binary)."""
    documents = documents.filter(title_key__gte=key)
    if ord(key[-1]) < 0x10FFFF:
        documents = documents.filter(title_key__lt=key[:-1] + chr(ord(key[-1]) + 1))
    return documents.order_by("title_key", "id")


def _full_text_q(alternatives: list[text.Alternative]) -> Q:
    if connection.vendor == "postgresql":
        return Q(
            _TextMatch(
                text.tsquery(alternatives),
                template=_PG_VECTOR + " @@ to_tsquery('simple'::regconfig, {query})",
            )
        )
    return Q(
        id__in=RawSQL(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s",
            [text.fts5_query(alternatives)],
        )
    )


def _visible_arms(viewer: Any, kinds: list[str]) -> list[Q]:
    """The viewer's visibility as filters whose union is everything they may see.

    ``visible_q`` is "owned by someone in scope OR shared": on PostgreSQL each side is asked as
    its own query (joined with UNION ALL), so each can use its index (owner, or the share list)
    instead of the database reading every text match to test it. Splitting an OR into a union
    never changes the result.
    """
    if scope_for(viewer).everything and len(kinds) == len(RECORD_TYPES):
        return [Q()]
    kinds_by_arm: dict[Q, list[str]] = {}
    for kind in kinds:
        allowed = visible_q(viewer, kind, owner_field="owner_id", id_field="record_id")
        arms = (
            allowed.children
            if allowed.connector == Q.OR and not allowed.negated and connection.vendor == "postgresql"
            else [allowed]
        )
        for arm in arms:
            arm_q = arm if isinstance(arm, Q) else Q(arm)
            kinds_by_arm.setdefault(arm_q, []).append(kind)
    return [
        Q(record_type__in=arm_kinds) & arm if len(arm_kinds) > 1 else Q(record_type=arm_kinds[0]) & arm
        for arm, arm_kinds in kinds_by_arm.items()
    ]


def _rank(row: _Row, parsed: text.ParsedQuery) -> int:
    key = row.title_key
    if key == parsed.key:
        return 0
    if key.startswith(parsed.key):
        return 1
    words = key.split()
    if all(any(word.startswith(token) for word in words) for token in parsed.words):
        return 2
    return 3


def _union(parts: list[QuerySet[Any]]) -> list[tuple[Any, ...]]:
    if not parts:
        return []
    if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
        return list(parts[0].union(*parts[1:], all=True))
    return [row for part in parts for row in part]


def _candidates(
    viewer: Any, kinds: list[str], parsed: text.ParsedQuery, limit: int
) -> list[_Row]:
    arms = _visible_arms(viewer, kinds)
    cap = max(limit * 5, MIN_CANDIDATES)
    parts: list[QuerySet[Any]] = []
    indexed = parsed.indexed_alternatives()
    for arm in arms:
        documents = SearchDocument.objects.filter(arm)
        parts.append(_title_prefix(documents, parsed.key).values_list(*_FIELDS)[:limit])
        if indexed:
            matching = documents.filter(_full_text_q(indexed))
            parts.append(matching.values_list(*_FIELDS)[:cap])
    rows = _accept(_union(parts), parsed)
    if not rows and parsed.complete:
        # The words taken as finished may be unfinished ("rav kumar"): try them as prefixes.
        retry = parsed.indexed_alternatives(all_prefixes=True)
        if retry and retry != indexed:
            parts = [
                SearchDocument.objects.filter(arm, _full_text_q(retry)).values_list(*_FIELDS)[:cap]
                for arm in arms
            ]
            rows = _accept(_union(parts), parsed)
    return rows


def _accept(values: list[tuple[Any, ...]], parsed: text.ParsedQuery) -> list[_Row]:
    """Distinct rows that match every word typed (the index was asked for some of them only)."""
    rows: dict[int, _Row] = {}
    for value in values:
        row = _Row(*value)
        if row.id not in rows and (
            row.title_key.startswith(parsed.key) or parsed.matches(row.terms)
        ):
            rows[row.id] = row
    return list(rows.values())


def search(
    *, viewer: Any, q: str, types: list[str] | None = None, limit: int = 10
) -> list[SearchHit]:
    """The records ``viewer`` may see that match ``q``, best first, at most ``limit``."""
    parsed = text.parse_query((q or "")[:200])
    kinds = [kind for kind in RECORD_TYPES if not types or kind in types]
    if parsed is None or not kinds:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    ranked = sorted(
        _candidates(viewer, kinds, parsed, limit),
        key=lambda r: (_rank(r, parsed), r.title_key, _TYPE_ORDER[r.record_type], r.record_id),
    )
    return [
        SearchHit(
            record_type=row.record_type,
            record_id=row.record_id,
            title=row.title,
            subtitle=row.subtitle,
            url=record_url(row.record_type, row.record_id),
        )
        for row in ranked[:limit]
    ]


def group_hits(hits: list[SearchHit]) -> list[tuple[str, list[SearchHit]]]:
    """Hits grouped by record type, the groups in the order of their best hit."""
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.record_type, []).append(hit)
    return list(groups.items())
