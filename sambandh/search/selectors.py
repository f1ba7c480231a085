"""Global search: find the people, organizations, deals and leads a viewer may see.

Every statement goes through an index (SQLite FTS5 ``MATCH``, PostgreSQL ``@@`` on the
GIN-indexed tsvector, the B-tree on ``title_key``, or the trigram index); none reads the whole
table, and each is capped with a LIMIT before anything is ranked. In order:

1. Titles that start with the query (a range on ``title_key``), at most ``limit``: exact and
   prefix title matches rank first, so when they fill the page the search is over (typing a
   common name, the most frequent case, costs one indexed range scan).
2. Otherwise documents with the words typed, from the full-text index, at most a few times
   ``limit``: finished words are looked up whole, the word being typed narrows them afterwards
   (see ``text.ParsedQuery.indexed_alternatives``); a phone query of five digits or more looks
   up the digit forms that start with its digits and, capped apart (``_lookups``), the end
   tokens that start with them reversed (the numbers that end with them), and keeps the rows
   whose number really starts or ends so (``text.ParsedQuery.matches_phone``).
3. When that finds nothing: the finished words again, as prefixes; then on PostgreSQL the
   trigram index, for the words inside words (the middle of an email address or a name; never
   digits, which find a phone number by its start or end only).

On PostgreSQL the viewer's visibility (``visible_q``: owned by someone in scope, or shared) is
split into its two sides, each a part of a UNION ALL with its own LIMIT, so that each side is
driven by its own index (owner, or the share list) instead of testing every text match.

Ranking (in Python, on at most a few hundred rows): the whole title equals the query, the title
starts with it, every word starts a word of the title, then the rest; ties by title.

Limits: a word matches the start of a word, not its middle, except on PostgreSQL's fallback and
for names written without spaces, whose every suffix is indexed (see ``sambandh.search.text``);
a phone number is found by five digits or more from its start (international, national or with
the trunk 0) or from its end, never by digits from its middle, and by fewer digits only as a
whole word; one letter (in an alphabetic script) finds nothing, two letters match titles only;
when more documents match than are read (a five-digit prefix shared by many numbers), the ones
shown are the first titles in order, then any.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Func, Q

from sambandh.accounts import policy
from sambandh.accounts.visibility import scope_for, visible_q
from sambandh.core import registry
from sambandh.core.sensitive import note_shown, prime_sensitive_many
from sambandh.customfields.selectors import inactive_custom_names
from sambandh.search import text
from sambandh.search.models import SearchDocument, SearchPhone, SearchText

MAX_LIMIT = 50
# Full-text candidates read before ranking: enough to fill a page after the title matches.
MIN_CANDIDATES = 50
_FIELDS = ("id", "record_type", "record_id", "title", "subtitle", "title_key", "terms", "parts")
_TABLE = SearchDocument._meta.db_table
# PostgreSQL: the documents' words, in a table of their own with the GIN indexes (migration
# 0007); the indexed expressions (migrations 0002, 0007): a query must spell them exactly so.
_PG_WORDS = SearchText._meta.db_table
# PostgreSQL: the documents' phone tokens with their B-tree in code-point order (migration 0008).
_PG_PHONES = SearchPhone._meta.db_table
_PG_VECTOR = "to_tsvector('simple'::regconfig, title || ' ' || subtitle || ' ' || terms)"
_PG_TRIGRAM = "lower(title || ' ' || terms)"
# The substring fallback looks for words at least this long (shorter ones have too few
# trigrams for the index to narrow anything down).
MIN_SUBSTRING_LENGTH = 4

# A condition in SQL over the search document table's columns, and its parameters.
Sql = tuple[str, list[Any]]


class _Row(NamedTuple):
    """A document as this viewer may see it: ``subtitle`` and ``terms`` without what the
    fields hidden from them, or their links to records they may not see, gave it."""

    id: int
    record_type: str
    record_id: int
    title: str
    subtitle: str
    title_key: str
    terms: str
    #: The fields whose text the subtitle shows (a read of a sensitive one is audited).
    shown: tuple[str, ...] = ()


class _Restrictions:
    """What a viewer may not see of the documents a search reads: the fields hidden from their
    role (accounts/policy.py), and links to records they may not see (checked once per linked
    record, a query per record type for the ones not yet known)."""

    def __init__(self, viewer: Any, kinds: list[str]) -> None:
        self.viewer = viewer
        self.everything = scope_for(viewer).everything
        self.hidden = {kind: policy.field_access(viewer, kind).hidden for kind in kinds}
        self.visible_links: dict[str, dict[int, bool]] = {}

    def rows(self, values: list[tuple[Any, ...]]) -> list[_Row]:
        found = [(value, _parts(value[7])) for value in values]
        if not self.everything:
            self._check_links(parts for _value, parts in found)
        return [self._row(value, parts) for value, parts in found]

    def _check_links(self, all_parts: Iterable[dict[str, Any]]) -> None:
        wanted: dict[str, set[int]] = {}
        for parts in all_parts:
            for link_type, link_id in (parts.get("links") or {}).values():
                if link_id not in self.visible_links.get(link_type, {}):
                    wanted.setdefault(link_type, set()).add(link_id)
        for link_type, ids in wanted.items():
            rt = registry.find(link_type)
            seen: set[int] = set()
            if rt is not None:
                seen = set(
                    rt.model._default_manager.filter(
                        visible_q(self.viewer, link_type), pk__in=sorted(ids)
                    )
                    .order_by()
                    .values_list("pk", flat=True)
                )
            known = self.visible_links.setdefault(link_type, {})
            known.update({pk: pk in seen for pk in ids})

    def _row(self, value: tuple[Any, ...], parts: dict[str, Any]) -> _Row:
        row = _Row(*value[:7])
        field_tokens: dict[str, str] = parts.get("fields") or {}
        subtitled = [name for name, _text in parts.get("subtitle") or []]
        hide = {name for name in self.hidden.get(row.record_type, ()) if name in field_tokens}
        hide |= inactive_custom_names(row.record_type, field_tokens)
        if not self.everything:
            for field, (link_type, link_id) in (parts.get("links") or {}).items():
                if not self.visible_links.get(link_type, {}).get(link_id, False):
                    hide.add(field)
        if not hide:
            return row._replace(shown=tuple(subtitled))
        kept = set(row.title_key.split())
        for name, tokens in field_tokens.items():
            if name not in hide:
                kept.update(tokens.split())
        gone = {t for name in hide for t in field_tokens.get(name, "").split()} - kept
        subtitle = " · ".join(
            text for name, text in parts.get("subtitle") or [] if name not in hide
        )
        terms = " ".join(t for t in row.terms.split() if t not in gone)
        shown = tuple(name for name in subtitled if name not in hide)
        return row._replace(subtitle=subtitle, terms=terms, shown=shown)


def _parts(raw: Any) -> dict[str, Any]:
    """The document's parts: a dict from PostgreSQL's jsonb, JSON text from SQLite."""
    if isinstance(raw, dict):
        return raw
    try:
        found = json.loads(raw or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


@dataclass(frozen=True)
class SearchHit:
    record_type: str
    record_id: int
    title: str
    subtitle: str
    url: str


def record_types() -> list[str]:
    """The searchable record types, in the order their groups are shown (core/registry.py)."""
    return [t.key for t in registry.searchable_types()]


def record_url(record_type: str, record_id: int) -> str:
    return registry.get(record_type).url(record_id)


def _title_prefix(key: str) -> Sql:
    """Titles starting with ``key``: a range on title_key's index, in code-point order (the
    column's collation is "C" on PostgreSQL, see migration 0003; SQLite's is binary)."""
    if ord(key[-1]) >= 0x10FFFF:
        return "title_key >= %s", [key]
    return "title_key >= %s AND title_key < %s", [key, key[:-1] + chr(ord(key[-1]) + 1)]


def _full_text(alternatives: list[text.Alternative]) -> Sql:
    if connection.vendor == "postgresql":
        match = f"{_PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)"
        return _pg_words(match), [text.tsquery(alternatives)]
    return "id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [
        text.fts5_query(alternatives)
    ]


def _substring(needle: str) -> Sql:
    # LIKE '%needle%' on the trigram-indexed expression; tokens hold no LIKE wildcards.
    return _pg_words(f"{_PG_TRIGRAM} LIKE %s"), [f"%{needle}%"]


def _pg_words(match: str) -> str:
    """The documents whose words (PostgreSQL's words table) meet ``match``."""
    return f"id IN (SELECT document_id FROM {_PG_WORDS} WHERE {match})"  # noqa: S608 - ours


class _Arm(NamedTuple):
    """One side of the viewer's visibility, as conditions for the title and the text lookups."""

    titles: Sql
    words: Sql


def _visible_arms(viewer: Any, kinds: list[str]) -> list[_Arm]:
    """The viewer's visibility as conditions whose union is everything they may see.

    ``visible_q`` is "owned by someone in scope OR shared": on PostgreSQL each side is asked as
    its own part of a UNION ALL, so each can use its index (owner, or the share list) instead
    of the database testing every text match. Splitting an OR into a union never changes the
    result. Each side is compiled to SQL once per search, for its several statements.
    """
    if scope_for(viewer).everything and len(kinds) == len(record_types()):
        return [_Arm(("", []), ("", []))]
    allowed = {
        kind: visible_q(viewer, kind, owner_field="owner_id", id_field="record_id")
        for kind in kinds
    }
    if connection.vendor != "postgresql":
        # SQLite cannot LIMIT the parts of a UNION: one query for the whole visibility, marked
        # as likely true so that SQLite's planner (often without statistics) drives the query
        # from the text or title index rather than from every record the viewer owns.
        either = reduce(operator.or_, (Q(record_type=k) & q for k, q in allowed.items()))
        hinted = Func(
            ExpressionWrapper(either, output_field=BooleanField()),
            template="likelihood(%(expressions)s, 0.9)",  # SQLite wants a literal here
            output_field=BooleanField(),
        )
        compiled = _compiled(Q(hinted))
        return [] if compiled is None else [_Arm(compiled, compiled)]
    kinds_by_arm: dict[Q, list[str]] = {}
    for kind, q in allowed.items():
        split = q.connector == Q.OR and not q.negated
        for arm in q.children if split else [q]:
            kinds_by_arm.setdefault(arm if isinstance(arm, Q) else Q(arm), []).append(kind)
    arms = []
    for arm, arm_kinds in kinds_by_arm.items():
        compiled = _compiled(Q(record_type__in=arm_kinds) & arm)
        if compiled is None:
            continue
        # The owner side: a B-tree on (owner_id, title_key) serves the titles, but for the words
        # the GIN index alone is cheaper. Read with it, PostgreSQL would build a bitmap of every
        # document the owners have (tens of thousands for a busy rep) to intersect with a few
        # text matches; made unindexable, it tests the text matches until the LIMIT is reached.
        # "(...) IS TRUE" holds for the same rows, but no index can answer it.
        words = compiled
        if compiled[0] and _only_on(arm, "owner_id"):
            words = (f"({compiled[0]}) IS TRUE", compiled[1])
        arms.append(_Arm(compiled, words))
    return arms


def _only_on(q: Q, field: str) -> bool:
    """Whether every condition in ``q`` is on ``field``."""
    for child in q.children:
        if isinstance(child, Q):
            if not _only_on(child, field):
                return False
        elif not (isinstance(child, tuple) and str(child[0]).split("__")[0] == field):
            return False
    return True


def _compiled(condition: Q) -> Sql | None:
    """``condition`` as Django compiles it for the search document table, its parameters kept
    apart. None: it matches nothing; an empty string: everything."""
    query = SearchDocument.objects.filter(condition).query
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "", []
    return sql, list(params)


def _select(arm: Sql, condition: Sql, *, limit: int, by_title: bool = False) -> Sql:
    """One capped statement: the documents meeting ``arm`` and ``condition``."""
    where = " AND ".join(f"({sql})" for sql, _params in (arm, condition) if sql)
    order = " ORDER BY title_key, id" if by_title else ""
    # Only constants of this module and SQL compiled by Django go into the text; every value
    # (the query's words, the viewer's ids) is a parameter.
    sql = f"SELECT {', '.join(_FIELDS)} FROM {_TABLE} WHERE {where}{order} LIMIT {int(limit)}"  # noqa: S608
    return sql, [*arm[1], *condition[1]]


def _select_phone(arm: Sql, token: str, *, limit: int) -> Sql:
    """One capped statement: the documents meeting ``arm`` with a phone token (a digit form or
    an end token) that starts with ``token``, read in the B-tree's order of the tokens (the
    ORDER BY keeps PostgreSQL from collecting every match in a bitmap first), so that the scan
    stops at the LIMIT however many numbers share the prefix. A document with two
    tokens in the range may come twice; ``_accept`` keeps it once."""
    fields = ", ".join(f"{_TABLE}.{name}" for name in _FIELDS)
    upper = token[:-1] + chr(ord(token[-1]) + 1)
    where = " AND ".join(
        [f"({arm[0]})"] * bool(arm[0]) + ['p.token COLLATE "C" >= %s', 'p.token COLLATE "C" < %s']
    )
    sql = (
        f"SELECT {fields} FROM {_PG_PHONES} p JOIN {_TABLE} ON {_TABLE}.id = p.document_id "  # noqa: S608 - ours
        f'WHERE {where} ORDER BY p.token COLLATE "C" LIMIT {int(limit)}'
    )
    return sql, [*arm[1], token, upper]


def _fetch(statements: list[Sql]) -> list[tuple[Any, ...]]:
    """Run the statements: as one UNION ALL where the database allows a LIMIT in each part."""
    if not statements:
        return []
    if len(statements) > 1 and connection.features.supports_slicing_ordering_in_compound:
        sql = " UNION ALL ".join(f"({part})" for part, _params in statements)
        statements = [(sql, [p for _part, params in statements for p in params])]
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            rows.extend(cursor.fetchall())
    return rows


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


def _candidates(viewer: Any, kinds: list[str], parsed: text.ParsedQuery, limit: int) -> list[_Row]:
    arms = _visible_arms(viewer, kinds)
    cap = max(limit * 5, MIN_CANDIDATES)
    restrictions = _Restrictions(viewer, kinds)

    def matching(*conditions: Sql) -> list[tuple[Any, ...]]:
        return _fetch([_select(arm.words, c, limit=cap) for c in conditions for arm in arms])

    # Titles that start with the query come first. When they fill the page nothing else can
    # outrank them, and the full-text index need not be asked at all (as-you-type on a common
    # name: the cheapest case is the most frequent one).
    titles = _title_prefix(parsed.key)
    found = _fetch([_select(arm.titles, titles, limit=limit, by_title=True) for arm in arms])
    rows = {row.id: row for row in _accept(restrictions.rows(found), parsed)}
    if len(rows) >= limit:
        return list(rows.values())
    indexed = parsed.indexed_alternatives()
    if connection.vendor == "postgresql" and parsed.phone_digits:
        # A phone prefix: a range of the phone tokens' B-tree per prefix, stopping at the cap.
        phones = [_select_phone(arm.words, a[0][0], limit=cap) for a in indexed for arm in arms]
        found = _fetch(phones)
    else:
        found = matching(*map(_full_text, _lookups(indexed)))
    words = _accept(restrictions.rows(found), parsed)
    if not rows and not words and parsed.complete:
        # The words taken as finished may be unfinished ("rav kumar"): try them as prefixes.
        retry = parsed.indexed_alternatives(all_prefixes=True)
        if retry and retry != indexed:
            words = _accept(restrictions.rows(matching(_full_text(retry))), parsed)
    if not rows and not words and connection.vendor == "postgresql":
        needle = _substring_needle(parsed)
        if needle:
            words = _inside_words(restrictions.rows(matching(_substring(needle))), parsed)
    for row in words:
        rows.setdefault(row.id, row)
    return list(rows.values())


def _lookups(alternatives: list[text.Alternative]) -> list[list[text.Alternative]]:
    """The alternatives to look up, each group capped apart: the ends of phone numbers apart
    from the rest, since a five-digit prefix of a digit form may start thousands of numbers and
    would crowd out the few that end with those digits."""
    ends = [a for a in alternatives if text.is_phone_end_token(a[0][0])]
    rest = [a for a in alternatives if a not in ends]
    return [group for group in (rest, ends) if group]


def _substring_needle(parsed: text.ParsedQuery) -> str:
    """What to look for inside words when nothing starts with the query: the middle of an email
    address or of a name (PostgreSQL's trigram index). Never digits: a phone number is found by
    its start or its end, both in the full-text index, and not by the digits in its middle."""
    if parsed.is_phone:
        return ""
    needles = [w for w in parsed.words if len(w) >= MIN_SUBSTRING_LENGTH]
    return max(needles, key=len, default="")


def _inside_words(found: list[_Row], parsed: text.ParsedQuery) -> list[_Row]:
    rows: dict[int, _Row] = {}
    for row in found:
        haystack = f"{row.title_key} {row.terms}"
        if any(all(w in haystack for w in alt) for alt in parsed.alternatives()):
            rows.setdefault(row.id, row)
    return list(rows.values())


def _accept(found: list[_Row], parsed: text.ParsedQuery) -> list[_Row]:
    """Distinct rows that match every word typed (the index was asked for some of them only),
    in what the viewer may see of them."""
    rows: dict[int, _Row] = {}
    for row in found:
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
    kinds = [kind for kind in record_types() if not types or kind in types]
    order = {kind: n for n, kind in enumerate(kinds)}
    if parsed is None or not kinds:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    ranked = sorted(
        _candidates(viewer, kinds, parsed, limit),
        key=lambda r: (_rank(r, parsed), r.title_key, order[r.record_type], r.record_id),
    )[:limit]
    # Which fields are marked sensitive, for every type searched: one query, remembered on the
    # viewer for the request (like their scope).
    prime_sensitive_many(viewer, kinds)
    for row in ranked:
        # The subtitle shows these fields' values: a sensitive one's read is audited, once per
        # request and record type (core/sensitive.py).
        note_shown(viewer, row.record_type, [row.record_id], row.shown, via="search")
    return [
        SearchHit(
            record_type=row.record_type,
            record_id=row.record_id,
            title=row.title,
            subtitle=row.subtitle,
            url=record_url(row.record_type, row.record_id),
        )
        for row in ranked
    ]


def matching_ids(*, viewer: Any, q: str, record_type: str) -> list[int]:
    """The ids of the records of ``record_type`` the search for ``q`` finds for ``viewer`` (the
    results page's hits of that type, best first): what an export of a search result holds."""
    hits = search(viewer=viewer, q=q, types=[record_type], limit=MAX_LIMIT)
    return [hit.record_id for hit in hits]


def group_hits(hits: list[SearchHit]) -> list[tuple[str, list[SearchHit]]]:
    """Hits grouped by record type, the groups in the order of their best hit."""
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.record_type, []).append(hit)
    return list(groups.items())
