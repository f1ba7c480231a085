"""Recompute every document's tokens: letters and digits next to each other now separate
("kumar14" gives "kumar" and "14"), so numbered email addresses no longer add a word each to the
index. Documents written before keep working without this, but are found the slow way."""

from django.db import migrations


def refold(apps, schema_editor):
    from sambandh.search.services import search_documents_refold

    search_documents_refold(model=apps.get_model("search", "SearchDocument"))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_title_key_code_point_order"),
    ]

    operations = [
        migrations.RunPython(refold, migrations.RunPython.noop, elidable=True),
    ]
