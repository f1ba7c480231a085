"""On PostgreSQL, people's and organizations' names sort by the ICU root collation (CLDR's
default order for every script), not the byte order of the server's C or glibc locale: "anna",
"Émile", "Zoë" and Telugu names sort as readers expect, whatever locale initdb was given. The
name indexes are rebuilt in the new collation (the people list's page 1 keeps its index scan).
The languages whose order differs from the root get a collation each, used at query time
(contacts/collation.py). SQLite has no ICU: it keeps its binary order. See docs/architecture.md,
"Names and sorting"."""

from django.db import migrations

COLLATION = "sambandh_names"
#: The interface languages whose CLDR order differs from the root one (contacts/collation.py).
TAILORED = ("te", "gu", "hi", "es", "ja", "ar")
COLUMNS = (("contacts_person", "full_name", 200), ("contacts_organization", "name", 200))


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE COLLATION IF NOT EXISTS "{COLLATION}" (provider = icu, locale = \'und\')'
    )
    for language in TAILORED:
        schema_editor.execute(
            f'CREATE COLLATION IF NOT EXISTS "sambandh_{language}" '
            f"(provider = icu, locale = '{language}')"
        )
    for table, column, length in COLUMNS:
        schema_editor.execute(
            f'ALTER TABLE "{table}" ALTER COLUMN "{column}" '
            f'TYPE varchar({length}) COLLATE "{COLLATION}"'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, length in COLUMNS:
        schema_editor.execute(
            f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar({length}) COLLATE "default"'
        )
    for name in (COLLATION, *(f"sambandh_{language}" for language in TAILORED)):
        schema_editor.execute(f'DROP COLLATION IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("contacts", "0005_person_honorific")]

    operations = [migrations.RunPython(forwards, backwards)]
