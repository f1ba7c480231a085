"""PostgreSQL: the documents' words move to a table of their own (search.SearchText) with the
full-text and trigram GIN indexes, kept in step by triggers, so that a change of owner rewrites
no GIN entry (see the model's docstring and decision 0003). SQLite keeps its FTS5 table; the new
table stays empty there.

- rows inserted into or deleted from the document table: statement triggers with transition
  tables copy or delete their words in one statement (a bulk insert is one INSERT ... SELECT);
- an UPDATE naming title, subtitle or terms: a row trigger copies the words when they changed.
  An UPDATE that sets only the owner (or parts, updated_at) names none of them and fires
  nothing.
"""

from django.db import migrations, models

_WORDS = "title || ' ' || subtitle || ' ' || terms"

POSTGRES_FORWARD = [
    "INSERT INTO search_searchtext (document_id, title, subtitle, terms) "
    "SELECT id, title, subtitle, terms FROM search_searchdocument",
    f"CREATE INDEX search_text_fts_idx ON search_searchtext "
    f"USING gin (to_tsvector('simple'::regconfig, {_WORDS}))",
    "CREATE INDEX search_text_trgm_idx ON search_searchtext "
    "USING gin (lower(title || ' ' || terms) gin_trgm_ops)",
    "DROP INDEX IF EXISTS search_doc_fts_idx",
    "DROP INDEX IF EXISTS search_doc_trgm_idx",
    # A text lookup stops at its LIMIT after a few hundred candidates: starting a parallel
    # worker for it cost more than it saved (a common phone prefix: 18 ms against 13 ms).
    "ALTER TABLE search_searchtext SET (parallel_workers = 0)",
    """
    CREATE FUNCTION search_text_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_searchtext (document_id, title, subtitle, terms)
        SELECT id, title, subtitle, terms FROM inserted;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_text_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_searchtext t USING deleted d WHERE t.document_id = d.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_text_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE search_searchtext
        SET document_id = NEW.id, title = NEW.title, subtitle = NEW.subtitle, terms = NEW.terms
        WHERE document_id = OLD.id;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER search_text_insert AFTER INSERT ON search_searchdocument "
    "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION search_text_inserted()",
    "CREATE TRIGGER search_text_delete AFTER DELETE ON search_searchdocument "
    "REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION search_text_deleted()",
    "CREATE TRIGGER search_text_update AFTER UPDATE OF id, title, subtitle, terms "
    "ON search_searchdocument FOR EACH ROW WHEN ((OLD.id, OLD.title, OLD.subtitle, OLD.terms) "
    "IS DISTINCT FROM (NEW.id, NEW.title, NEW.subtitle, NEW.terms)) "
    "EXECUTE FUNCTION search_text_updated()",
]

POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS search_text_update ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_text_delete ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_text_insert ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_text_updated()",
    "DROP FUNCTION IF EXISTS search_text_deleted()",
    "DROP FUNCTION IF EXISTS search_text_inserted()",
    f"CREATE INDEX IF NOT EXISTS search_doc_fts_idx ON search_searchdocument "
    f"USING gin (to_tsvector('simple'::regconfig, {_WORDS}))",
    "CREATE INDEX IF NOT EXISTS search_doc_trgm_idx ON search_searchdocument "
    "USING gin (lower(title || ' ' || terms) gin_trgm_ops)",
    "DELETE FROM search_searchtext",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_document_parts"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchText",
            fields=[
                ("document_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("title", models.CharField(max_length=300)),
                ("subtitle", models.CharField(blank=True, max_length=300)),
                ("terms", models.TextField(blank=True)),
            ],
        ),
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_REVERSE)),
    ]
