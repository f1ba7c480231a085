"""The full-text index: it exists, the queries use it, and it follows the documents."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sambandh.search.models import SearchDocument
from sambandh.search.selectors import search
from sambandh.search.services import search_document_build, search_documents_save
from tests.factories import make_person

FIRST = ["Asha", "Ravi", "Priya", "John", "Mei", "Omar", "Lena", "Kofi", "Ines", "Arjun"]
LAST = ["Rao", "Kumar", "Shah", "Smith", "Wang", "Haddad", "Berg", "Mensah", "Silva", "Nair"]


def captured_sql(viewer, q):
    with CaptureQueriesContext(connection) as ctx:
        search(viewer=viewer, q=q)
    return [
        entry["sql"] for entry in ctx.captured_queries if "search_searchdocument" in entry["sql"]
    ]


def plan(sql):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def phone_forms(national: int) -> list[str]:
    """``phone_digit_forms`` of an Indian number, without parsing thousands of them."""
    return [f"91{national}", f"{national}", f"0{national}"]


def settle():
    """Fresh statistics, and the GIN indexes' pending lists merged, as autovacuum leaves them.

    Rows inserted in one transaction wait in a GIN index's pending list, which every lookup reads
    whole: the planner counts it, and with thousands of fresh rows it may prefer reading the
    table. A running database does not keep one that long."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
        cursor.execute("ANALYZE search_searchtext")
        cursor.execute("ANALYZE search_searchphone")
        cursor.execute("SELECT gin_clean_pending_list('search_text_fts_idx'::regclass)")
        cursor.execute("SELECT gin_clean_pending_list('search_text_trgm_idx'::regclass)")


def load_documents(owner, count):
    """``count`` people's documents, written in bulk, plus one rare name."""
    docs = [
        search_document_build(
            record_type="person",
            record_id=n + 1,
            owner_id=owner.pk,
            title=f"{FIRST[n % 10]} {LAST[(n // 10) % 10]} {n}",
            subtitle=f"Company {n % 97}",
            # the digit forms of +91 98000 1nnnn: all of them start with 98000
            words=[f"person{n}@company{n % 97}.example", *phone_forms(9800012345 + n)],
        )
        for n in range(count)
    ]
    docs.append(
        search_document_build(
            record_type="person", record_id=count + 1, owner_id=owner.pk, title="Zubin Zanzibar"
        )
    )
    search_documents_save(docs)


@pytest.mark.django_db
@pytest.mark.sqlite_only
def test_sqlite_queries_match_the_fts5_table_and_range_over_the_title_index(owner, admin_user):
    # given a few hundred documents, and no statistics for SQLite's planner
    load_documents(owner, 300)
    for viewer in (owner, admin_user):
        # when a word is searched
        by_title, by_words = captured_sql(viewer, "zanzibar")
        # then one statement ranges over title_key, and one asks FTS5 (MATCH on the virtual
        # table); neither reads the whole table, nor all of the owner's rows
        assert "MATCH" in by_words
        assert "search_doc_title_key_idx" in plan(by_title)
        assert "VIRTUAL TABLE INDEX" in plan(by_words) and "search_fts" in plan(by_words)
        assert "SCAN search_searchdocument" not in plan(by_title) + plan(by_words)
        assert "owner_id" not in plan(by_title) + plan(by_words)


@pytest.mark.django_db
@pytest.mark.sqlite_only
def test_sqlite_phone_queries_match_the_fts5_table(owner, admin_user):
    # given a few hundred documents whose numbers all start with 98000
    load_documents(owner, 300)
    for viewer in (owner, admin_user):
        # when five digits of the start of a number (all of them), and five of the end of one,
        # are searched
        for q in ("98000", "12644"):
            by_title, starts, ends = captured_sql(viewer, q)
            # then the digit forms and the end tokens are each asked of FTS5, capped apart, and
            # no statement reads the whole table
            assert "MATCH" in starts and "MATCH" in ends
            for sql in (starts, ends):
                assert "VIRTUAL TABLE INDEX" in plan(sql) and "search_fts" in plan(sql)
            assert "search_doc_title_key_idx" in plan(by_title)
            assert "SCAN search_searchdocument" not in plan(by_title) + plan(starts) + plan(ends)
    # and the end finds its one number, the start a page of them
    assert [h.title for h in search(viewer=owner, q="12644")] == ["Arjun Nair 299"]
    assert len(search(viewer=owner, q="98000")) == 10


@pytest.mark.django_db
@pytest.mark.sqlite_only
def test_sqlite_triggers_keep_the_fts5_table_in_step(owner):
    # given a person, found by name
    person = make_person(owner, full_name="Farida Haddad")
    doc = SearchDocument.objects.get(record_type="person", record_id=person.pk)

    def fts_rows(word):
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?", [word])
            return [row[0] for row in cursor.fetchall()]

    assert fts_rows("farida") == [doc.pk]
    # when the document is changed and then deleted directly
    SearchDocument.objects.filter(pk=doc.pk).update(title="Noor", terms="noor")
    assert (fts_rows("farida"), fts_rows("noor")) == ([], [doc.pk])
    SearchDocument.objects.filter(pk=doc.pk).delete()
    # then the FTS table follows each time
    assert fts_rows("noor") == []


@pytest.mark.django_db
@pytest.mark.postgres
def test_postgres_has_the_gin_trigram_and_title_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('search_searchdocument', 'search_searchtext')"
        )
        indexes = dict(cursor.fetchall())
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'search_searchdocument' AND column_name = 'title_key'"
        )
        assert cursor.fetchone() == ("C",)
    # the words' GIN indexes are on their own table (migration 0007), none on the documents'
    assert (
        "ON public.search_searchtext USING gin (to_tsvector('simple'::regconfig"
        in (indexes["search_text_fts_idx"])
    )
    assert "gin_trgm_ops" in indexes["search_text_trgm_idx"]
    assert not [d for d in indexes.values() if "search_searchdocument USING gin" in d]
    assert indexes["search_doc_title_key_idx"].endswith("USING btree (title_key, id)")
    assert indexes["search_doc_owner_title_idx"].endswith("USING btree (owner_id, title_key, id)")


@pytest.mark.django_db
@pytest.mark.postgres
def test_postgres_queries_use_the_gin_and_title_indexes(owner, admin_user):
    # given a few thousand documents, fresh statistics and settled indexes
    load_documents(owner, 4000)
    settle()
    for viewer in (admin_user, owner):
        # when a rare word is searched
        by_title, by_words = captured_sql(viewer, "zanzibar")
        # then the title match goes through a title index, the full-text match through the GIN
        # index, and the table is never read whole
        assert "@@ to_tsquery('simple'::regconfig," in by_words
        title_plan, words_plan = plan(by_title), plan(by_words)
        assert (
            "search_doc_title_key_idx" in title_plan or "search_doc_owner_title_idx" in title_plan
        )
        assert "search_text_fts_idx" in words_plan
        assert "Seq Scan on search_search" not in title_plan + words_plan
    assert [h.title for h in search(viewer=owner, q="zanzibar")] == ["Zubin Zanzibar"]


@pytest.mark.django_db
@pytest.mark.postgres
def test_postgres_phone_queries_use_the_phone_tokens_btree(owner, admin_user):
    # given a few thousand documents whose numbers all start with 98000, and fresh statistics
    load_documents(owner, 4000)
    settle()
    for viewer in (admin_user, owner):
        # when five digits of the start of a number (all of them), and five of the end of one,
        # are searched
        for q in ("98000", "16344"):
            by_title, by_words = captured_sql(viewer, q)
            # then both the digit forms and the end tokens are asked of the phone tokens' B-tree
            # (migration 0008; in one statement: a UNION ALL of capped parts), never of the
            # words' GIN index, and no table is read whole
            assert by_words.count('p.token COLLATE "C" >= ') >= 2
            assert "to_tsquery" not in by_words
            words_plan = plan(by_words)
            assert "search_phone_token_idx" in words_plan
            assert "Seq Scan on search_search" not in plan(by_title) + words_plan
    assert [h.title for h in search(viewer=owner, q="16344")] == ["Arjun Nair 3999"]
    assert len(search(viewer=owner, q="98000")) == 10


@pytest.mark.django_db
@pytest.mark.postgres
def test_postgres_substring_search_uses_the_trigram_index(owner, admin_user):
    load_documents(owner, 20000)
    settle()
    # when the middle of a word is searched, nothing starts with it
    statements = captured_sql(admin_user, "nzibar")
    # then after the title and full-text lookups, the fallback asks the trigram index
    assert len(statements) == 3
    assert "LIKE" in statements[2]
    assert "search_text_trgm_idx" in plan(statements[2])
    assert [h.title for h in search(viewer=admin_user, q="nzibar")] == ["Zubin Zanzibar"]


@pytest.mark.django_db(transaction=True)
def test_the_fulltext_migration_reverses_and_applies_again(owner):
    def index_objects():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_doc_%%' "
                    "OR indexname LIKE 'search_text_%%' UNION ALL SELECT tgname FROM "
                    "pg_trigger WHERE tgname LIKE 'search_text_%%' ORDER BY 1"
                )
            else:
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE name IN ('search_fts', "
                    "'search_fts_insert', 'search_fts_update', 'search_fts_delete', "
                    "'search_doc_title_key_idx') ORDER BY 1"
                )
            return [row[0] for row in cursor.fetchall()]

    expected = (
        [
            "search_doc_owner_title_idx",
            "search_doc_title_key_idx",
            "search_text_delete",
            "search_text_fts_idx",
            "search_text_insert",
            "search_text_trgm_idx",
            "search_text_update",
        ]
        if connection.vendor == "postgresql"
        else [
            "search_doc_title_key_idx",
            "search_fts",
            "search_fts_delete",
            "search_fts_insert",
            "search_fts_update",
        ]
    )
    assert index_objects() == expected
    # when search goes back to its first migration, the index objects are gone
    call_command("migrate", "search", "0001", verbosity=0)
    assert index_objects() == []
    # and when it comes forward again, they are back and searching works
    call_command("migrate", "search", verbosity=0)
    assert index_objects() == expected
    person = make_person(owner, full_name="Farida Haddad")
    assert [h.record_id for h in search(viewer=owner, q="farida")] == [person.pk]


def _words_row(doc_id: int) -> tuple | None:
    """The words table's row of a document, with its row version (xmin): a row rewritten by
    an UPDATE gets a new one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text, title, subtitle, terms FROM search_searchtext "
            "WHERE document_id = %s",
            [doc_id],
        )
        return cursor.fetchone()


@pytest.mark.django_db
@pytest.mark.postgres
def test_postgres_words_follow_the_documents_but_not_their_owner(owner, teammate):
    from sambandh.contacts.services import people_reassign

    # given a person, whose document's words are copied by the insert trigger
    person = make_person(owner, full_name="Farida Haddad", email="farida@example.com")
    doc = SearchDocument.objects.get(record_type="person", record_id=person.pk)
    first = _words_row(doc.pk)
    assert first is not None and first[1:] == (doc.title, doc.subtitle, doc.terms)

    # when the person is handed to the teammate (the bulk path), the words row is not rewritten
    people_reassign(actor=owner, ids=[person.pk], owner=teammate)
    assert SearchDocument.objects.get(pk=doc.pk).owner_id == teammate.pk
    assert _words_row(doc.pk) == first

    # when the document's words change, the row follows
    SearchDocument.objects.filter(pk=doc.pk).update(title="Farida H", terms="farida h zzz")
    changed = _words_row(doc.pk)
    assert changed is not None and changed[1:] == ("Farida H", doc.subtitle, "farida h zzz")
    assert [h.record_id for h in search(viewer=teammate, q="zzz")] == [person.pk]

    # and when the document goes, its words go with it
    SearchDocument.objects.filter(pk=doc.pk).delete()
    assert _words_row(doc.pk) is None


def _phone_tokens(doc_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT token FROM search_searchphone WHERE document_id = %s ORDER BY token", [doc_id]
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
@pytest.mark.postgres
def test_postgres_phone_tokens_follow_the_documents(owner, teammate):
    from sambandh.contacts.services import people_reassign

    # given a person with an Indian mobile number: its digit forms and end token are copied
    person = make_person(owner, full_name="Farida Haddad", phone="+91 81230 00052")
    doc = SearchDocument.objects.get(record_type="person", record_id=person.pk)
    assert _phone_tokens(doc.pk) == [
        "08123000052",
        "8123000052",
        "918123000052",
        "r250000321819",
    ]
    # a change of owner rewrites nothing; a change of the words does
    people_reassign(actor=owner, ids=[person.pk], owner=teammate)
    assert len(_phone_tokens(doc.pk)) == 4
    SearchDocument.objects.filter(pk=doc.pk).update(terms="farida 4930123456 12 r6543210394")
    assert _phone_tokens(doc.pk) == ["4930123456", "r6543210394"]
    # and the prefix search reads them: the start of the number, and its end
    assert [h.record_id for h in search(viewer=teammate, q="49301")] == [person.pk]
    assert [h.record_id for h in search(viewer=teammate, q="23456")] == [person.pk]
    SearchDocument.objects.filter(pk=doc.pk).delete()
    assert _phone_tokens(doc.pk) == []


@pytest.mark.django_db
def test_the_words_table_stays_empty_on_sqlite_and_holds_each_document_on_postgres(owner):
    from sambandh.search.models import SearchText

    load_documents(owner, 50)
    documents = SearchDocument.objects.count()
    expected = documents if connection.vendor == "postgresql" else 0
    assert SearchText.objects.count() == expected
