"""On PostgreSQL, title_key itself sorts in code-point order (COLLATE "C").

0002 indexed the expression ``title_key COLLATE "C"``: right for range scans, but the planner
has no statistics for it and guessed one row for every title prefix, so it drove queries from
that index even when the prefix matched thousands of rows. With the column's own collation "C"
the ordinary statistics apply. Also an index on (owner_id, title_key, id), for a viewer's own
titles. SQLite compares text by code point already, and its queries are steered to the text and
title indexes (see search.selectors): nothing to do there.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS search_doc_title_key_idx",
    # An early version of 0002 let Django index title_key itself: those indexes are not used.
    "DROP INDEX IF EXISTS search_searchdocument_title_key_4f4779e6_like",
    "DROP INDEX IF EXISTS search_searchdocument_title_key_4f4779e6",
    'ALTER TABLE search_searchdocument ALTER COLUMN title_key TYPE varchar(300) COLLATE "C"',
    # Titles cluster on common first names: a finer histogram estimates a prefix's rows well.
    "ALTER TABLE search_searchdocument ALTER COLUMN title_key SET STATISTICS 1000",
    "CREATE INDEX search_doc_title_key_idx ON search_searchdocument (title_key, id)",
    # A sales rep's own titles in order: their title prefix matches without reading anyone else's.
    "CREATE INDEX search_doc_owner_title_idx ON search_searchdocument (owner_id, title_key, id)",
    "ANALYZE search_searchdocument",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_doc_owner_title_idx",
    "DROP INDEX IF EXISTS search_doc_title_key_idx",
    "ALTER TABLE search_searchdocument ALTER COLUMN title_key SET STATISTICS -1",
    'ALTER TABLE search_searchdocument ALTER COLUMN title_key TYPE varchar(300) COLLATE "default"',
    'CREATE INDEX search_doc_title_key_idx ON search_searchdocument (title_key COLLATE "C", id)',
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_fulltext"),
    ]

    operations = [
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_REVERSE)),
    ]
