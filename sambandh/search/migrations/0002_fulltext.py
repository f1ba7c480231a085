"""The full-text index over search documents: SQLite FTS5, or PostgreSQL tsvector + trigram.

Both: a B-tree index on title_key in code-point order, for title-prefix matches.

SQLite: an external-content FTS5 table over (title, subtitle, terms), kept in step by triggers.
Its tokenizer is unicode61 with diacritics removed and with combining marks counted as letters
("categories 'L* N* Co M*'"): without them the vowel signs of Devanagari, Telugu and Gujarati
would split every word into single letters.

PostgreSQL: a GIN index on the 'simple' tsvector of title, subtitle and terms (prefix matches
with to_tsquery('simple', 'tok:*')), and a trigram GIN index on lower(title || ' ' || terms) for
fuzzy matching.
"""

from django.db import migrations, models

SQLITE_FORWARD = [
    "CREATE INDEX search_doc_title_key_idx ON search_searchdocument (title_key, id)",
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        title, subtitle, terms,
        content='search_searchdocument', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
        prefix='2 3 4'
    )
    """,
    """
    CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, subtitle, terms)
        VALUES (new.id, new.title, new.subtitle, new.terms);
    END
    """,
    """
    CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, subtitle, terms)
        VALUES ('delete', old.id, old.title, old.subtitle, old.terms);
    END
    """,
    """
    CREATE TRIGGER search_fts_update AFTER UPDATE OF title, subtitle, terms
    ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, subtitle, terms)
        VALUES ('delete', old.id, old.title, old.subtitle, old.terms);
        INSERT INTO search_fts(rowid, title, subtitle, terms)
        VALUES (new.id, new.title, new.subtitle, new.terms);
    END
    """,
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
    "DROP INDEX IF EXISTS search_doc_title_key_idx",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Code-point order, so "title starts with" is a range scan in any database collation.
    """
    CREATE INDEX IF NOT EXISTS search_doc_title_key_idx ON search_searchdocument
    (title_key COLLATE "C", id)
    """,
    """
    CREATE INDEX IF NOT EXISTS search_doc_fts_idx ON search_searchdocument
    USING gin (to_tsvector('simple'::regconfig, title || ' ' || subtitle || ' ' || terms))
    """,
    """
    CREATE INDEX IF NOT EXISTS search_doc_trgm_idx ON search_searchdocument
    USING gin (lower(title || ' ' || terms) gin_trgm_ops)
    """,
]
# The extension stays: other parts may use it, and dropping it needs more rights.
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_doc_trgm_idx",
    "DROP INDEX IF EXISTS search_doc_fts_idx",
    "DROP INDEX IF EXISTS search_doc_title_key_idx",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def refold_documents(apps, schema_editor):
    """Documents written before this migration get folded terms and a title key."""
    from sambandh.search import text

    SearchDocument = apps.get_model("search", "SearchDocument")
    batch = []
    for doc in SearchDocument.objects.order_by("pk").iterator(chunk_size=2000):
        doc.title_key = text.title_key(doc.title)
        doc.terms = text.index_terms(doc.title, doc.subtitle, doc.terms.split())
        batch.append(doc)
        if len(batch) >= 2000:
            SearchDocument.objects.bulk_update(batch, ["title_key", "terms"])
            batch = []
    if batch:
        SearchDocument.objects.bulk_update(batch, ["title_key", "terms"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="title_key",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.RunPython(refold_documents, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
