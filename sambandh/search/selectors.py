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
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
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
_FIELDS = ("id", "record_type", "record_id", "title", "subtitle", "title_key")
# The indexed expressions (migration 0002): the query must spell them exactly the same way.
_PG_VECTOR = "to_tsvector('simple'::regconfig, {title} || ' ' || {subtitle} || ' ' || {terms})"
_PG_TRIGRAM = "lower({title} || ' ' || {terms})"
# word_similarity threshold for the fuzzy fallback (pg_trgm's default is 0.6).
_FUZZY_THRESHOLD = 0.6


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
        sql = self.sql_template.format(title=title, subtitle=subtitle, terms=terms, query=query)
        return sql, params


def _title_prefix(documents: QuerySet[SearchDocument], key: str) -> QuerySet[SearchDocument]:
    """Titles starting with ``key``: a range on the code-point-ordered index of title_key."""
    column: Any = F("title_key")
    if connection.vendor == "postgresql":
        column = Collate(column, "C")  # the collation the index was built with
    documents = documents.alias(key=column).filter(key__gte=key)
    if ord(key[-1]) < 0x10FFFF:
        documents = documents.filter(key__lt=key[:-1] + chr(ord(key[-1]) + 1))
    return documents.order_by("key", "id")


def _full_text_q(parsed: text.ParsedQuery) -> Q:
    if connection.vendor == "postgresql":
        return Q(
            _TextMatch(
                text.tsquery(parsed),
                template=_PG_VECTOR + " @@ to_tsquery('simple'::regconfig, {query})",
            )
        )
    return Q(
        id__in=RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [
            text.fts5_query(parsed)
        ])
    )


def _fuzzy_q(parsed: text.ParsedQuery) -> Q:
    # ``query <% text``: the query is similar to some part of the text (pg_trgm, GIN-indexed).
    return Q(_TextMatch(parsed.key, template="{query} <%% " + _PG_TRIGRAM))


def _visible(viewer: Any, kinds: list[str]) -> Q:
    if scope_for(viewer).everything and len(kinds) == len(RECORD_TYPES):
        return Q()
    allowed = Q(pk__in=[])
    for kind in kinds:
        allowed |= Q(record_type=kind) & visible_q(
            viewer, kind, owner_field="owner_id", id_field="record_id"
        )
    return allowed


def _rank(doc: SearchDocument, parsed: text.ParsedQuery) -> int:
    key = doc.title_key
    if not parsed.is_phone:
        if key == parsed.key:
            return 0
        if key.startswith(parsed.key):
            return 1
    words = key.split()
    if all(any(word.startswith(token) for word in words) for token in parsed.first):
        return 2
    return 3


def _documents(viewer: Any, kinds: list[str]) -> QuerySet[SearchDocument]:
    return SearchDocument.objects.filter(_visible(viewer, kinds)).only(*_FIELDS)


def search(
    *, viewer: Any, q: str, types: list[str] | None = None, limit: int = 10
) -> list[SearchHit]:
    """The records ``viewer`` may see that match ``q``, best first, at most ``limit``."""
    parsed = text.parse_query((q or "")[:200])
    kinds = [kind for kind in RECORD_TYPES if not types or kind in types]
    if parsed is None or not kinds:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    documents = _documents(viewer, kinds)
    found: dict[int, SearchDocument] = {}
    if not parsed.is_phone:
        found.update((doc.pk, doc) for doc in _title_prefix(documents, parsed.key)[:limit])
    for doc in documents.filter(_full_text_q(parsed))[: max(limit * 5, MIN_CANDIDATES)]:
        found.setdefault(doc.pk, doc)
    if not found and connection.vendor == "postgresql" and _fuzzy_worthy(parsed):
        for doc in documents.filter(_fuzzy_q(parsed))[: max(limit * 5, MIN_CANDIDATES)]:
            found.setdefault(doc.pk, doc)
    ranked = sorted(
        found.values(),
        key=lambda d: (_rank(d, parsed), d.title_key, _TYPE_ORDER[d.record_type], d.record_id),
    )
    return [
        SearchHit(
            record_type=doc.record_type,
            record_id=doc.record_id,
            title=doc.title,
            subtitle=doc.subtitle,
            url=record_url(doc.record_type, doc.record_id),
        )
        for doc in ranked[:limit]
    ]


def _fuzzy_worthy(parsed: text.ParsedQuery) -> bool:
    """Near misses only for words long enough that one wrong letter leaves most trigrams."""
    return not parsed.is_phone and len(parsed.key) >= 4


def group_hits(hits: list[SearchHit]) -> list[tuple[str, list[SearchHit]]]:
    """Hits grouped by record type, the groups in the order of their best hit."""
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.record_type, []).append(hit)
    return list(groups.items())
