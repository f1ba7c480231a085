"""Search documents keep the tokens of each field apart (``parts``), so that a search leaves
out what a viewer may not see: a field hidden from their role, a link to a record they may not
see (search.services.SearchField, accounts/policy.py).

On SQLite, adding a column rebuilds the table, which drops the full-text triggers and the
title-key index of migration 0002: they are made again here. Existing documents are rebuilt
from their records (the ``search_reindex`` command: every record through its domain's reindex
function), since their parts cannot be derived from the stored terms.
"""

from django.db import migrations, models

SQLITE_RESTORE = [
    "CREATE INDEX IF NOT EXISTS search_doc_title_key_idx ON search_searchdocument (title_key, id)",
    """
    CREATE TRIGGER IF NOT EXISTS search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, subtitle, terms)
        VALUES (new.id, new.title, new.subtitle, new.terms);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, subtitle, terms)
        VALUES ('delete', old.id, old.title, old.subtitle, old.terms);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS search_fts_update AFTER UPDATE OF title, subtitle, terms
    ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, subtitle, terms)
        VALUES ('delete', old.id, old.title, old.subtitle, old.terms);
        INSERT INTO search_fts(rowid, title, subtitle, terms)
        VALUES (new.id, new.title, new.subtitle, new.terms);
    END
    """,
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]


def restore_sqlite_fulltext(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_RESTORE:
            schema_editor.execute(statement)


def rebuild_documents(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    if not SearchDocument.objects.exists():
        return
    from django.core.management import call_command

    call_command("search_reindex", verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_phone_end_tokens"),
    ]

    operations = [
        # Undone, the column's removal rebuilds the table too: the triggers are made again
        # after it.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_fulltext),
        migrations.AddField(
            model_name="searchdocument",
            name="parts",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(restore_sqlite_fulltext, migrations.RunPython.noop),
        migrations.RunPython(rebuild_documents, migrations.RunPython.noop, elidable=True),
    ]
