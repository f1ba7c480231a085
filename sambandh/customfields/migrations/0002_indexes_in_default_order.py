"""Rebuild every custom field's two indexes as its value then the record type's default order
(registry ``default_order``), instead of its value then the id: a list filtered by the field
then comes back in its default order from the index alone."""

from typing import Any

from django.db import migrations


def rebuild(apps: Any, schema_editor: Any) -> None:
    from sambandh.customfields.services import create_index, drop_index

    for cf in apps.get_model("customfields", "CustomField").objects.order_by("pk"):
        drop_index(cf)
        create_index(cf)


class Migration(migrations.Migration):
    dependencies = [("customfields", "0001_custom_fields")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
