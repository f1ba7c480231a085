"""PostgreSQL: the documents' phone tokens in a table of their own (search.SearchPhone) with a
B-tree in code-point order, so that a phone prefix is a range scan stopping at the search's LIMIT
instead of a GIN prefix lookup that reads every token starting with it. Kept in step by triggers
like the words table (migration 0007): statement triggers for inserts and deletes, a row trigger
for an UPDATE that changes the terms (an owner change fires nothing). SQLite: the table stays
empty."""

from django.db import migrations, models

# The tokens a phone lookup can reach (search.text: MIN_PHONE_DIGITS, PHONE_END_MARK): all-digit
# terms of five digits or more, and end tokens ("r" and a number's digits reversed).
_TOKENS = r"regexp_split_to_table({terms}, '\s+') AS t(token) WHERE token ~ '^r?[0-9]{{5,}}$'"

POSTGRES_FORWARD = [
    "INSERT INTO search_searchphone (document_id, token) SELECT DISTINCT d.id, t.token "
    "FROM search_searchdocument d, " + _TOKENS.format(terms="d.terms"),
    'CREATE INDEX search_phone_token_idx ON search_searchphone (token COLLATE "C", document_id)',
    # A lookup stops at its LIMIT after a few hundred tokens: no parallel workers (as 0007).
    "ALTER TABLE search_searchphone SET (parallel_workers = 0)",
    """
    CREATE FUNCTION search_phone_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_searchphone (document_id, token)
        SELECT DISTINCT i.id, t.token FROM inserted i, """
    + _TOKENS.format(terms="i.terms")
    + """;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_phone_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_searchphone p USING deleted d WHERE p.document_id = d.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_phone_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_searchphone WHERE document_id = OLD.id;
        INSERT INTO search_searchphone (document_id, token)
        SELECT DISTINCT NEW.id, t.token FROM """
    + _TOKENS.format(terms="NEW.terms")
    + """;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER search_phone_insert AFTER INSERT ON search_searchdocument "
    "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION search_phone_inserted()",
    "CREATE TRIGGER search_phone_delete AFTER DELETE ON search_searchdocument "
    "REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION search_phone_deleted()",
    "CREATE TRIGGER search_phone_update AFTER UPDATE OF id, terms ON search_searchdocument "
    "FOR EACH ROW WHEN ((OLD.id, OLD.terms) IS DISTINCT FROM (NEW.id, NEW.terms)) "
    "EXECUTE FUNCTION search_phone_updated()",
    "ANALYZE search_searchphone",
]

POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS search_phone_update ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_phone_delete ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_phone_insert ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_phone_updated()",
    "DROP FUNCTION IF EXISTS search_phone_deleted()",
    "DROP FUNCTION IF EXISTS search_phone_inserted()",
    "DELETE FROM search_searchphone",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_words_in_a_table_of_their_own"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchPhone",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "document_id", "token", blank=True, editable=False, primary_key=True,
                        serialize=False,
                    ),
                ),
                ("document_id", models.BigIntegerField()),
                ("token", models.CharField(max_length=300)),
            ],
        ),
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_REVERSE)),
    ]
