"""People keep their contact points and tag names as the API shows them (contacts/cards.py);
existing people get theirs from their rows, in one statement per database."""

import sambandh.contacts.models
from django.db import migrations, models

_POSTGRES = """
UPDATE contacts_person p SET
  contact_card = json_build_object(
    'emails', COALESCE((SELECT json_agg(json_build_object(
                  'email', e.email, 'label', e.label, 'is_primary', e.is_primary)
                  ORDER BY e.is_primary DESC, e.id)
              FROM contacts_emailaddress e WHERE e.person_id = p.id), '[]'::json),
    'phones', COALESCE((SELECT json_agg(json_build_object(
                  'number', t.e164, 'label', t.label, 'is_primary', t.is_primary)
                  ORDER BY t.is_primary DESC, t.id)
              FROM contacts_phonenumber t WHERE t.person_id = p.id), '[]'::json),
    'addresses', COALESCE((SELECT json_agg(json_build_object(
                  'street', a.street, 'city', a.city, 'region', a.region,
                  'postal_code', a.postal_code, 'country', a.country, 'label', a.label,
                  'is_primary', a.is_primary)
                  ORDER BY a.is_primary DESC, a.id)
              FROM contacts_postaladdress a WHERE a.person_id = p.id), '[]'::json)
  )::jsonb,
  tag_names = COALESCE((SELECT json_agg(tag.name ORDER BY tag.name COLLATE "C")
              FROM contacts_person_tags pt JOIN contacts_tag tag ON tag.id = pt.tag_id
              WHERE pt.person_id = p.id), '[]'::json)::jsonb
"""

_BOOL = "json(CASE WHEN {0}.is_primary THEN 'true' ELSE 'false' END)"
_SQLITE = f"""
UPDATE contacts_person SET
  contact_card = json_object(
    'emails', (SELECT json_group_array(json_object(
                  'email', e.email, 'label', e.label, 'is_primary', {_BOOL.format("e")}))
              FROM (SELECT * FROM contacts_emailaddress WHERE person_id = contacts_person.id
                    ORDER BY is_primary DESC, id) e),
    'phones', (SELECT json_group_array(json_object(
                  'number', t.e164, 'label', t.label, 'is_primary', {_BOOL.format("t")}))
              FROM (SELECT * FROM contacts_phonenumber WHERE person_id = contacts_person.id
                    ORDER BY is_primary DESC, id) t),
    'addresses', (SELECT json_group_array(json_object(
                  'street', a.street, 'city', a.city, 'region', a.region,
                  'postal_code', a.postal_code, 'country', a.country, 'label', a.label,
                  'is_primary', {_BOOL.format("a")}))
              FROM (SELECT * FROM contacts_postaladdress WHERE person_id = contacts_person.id
                    ORDER BY is_primary DESC, id) a)
  ),
  tag_names = (SELECT json_group_array(g.name)
              FROM (SELECT tag.name FROM contacts_person_tags pt
                    JOIN contacts_tag tag ON tag.id = pt.tag_id
                    WHERE pt.person_id = contacts_person.id ORDER BY tag.name) g)
"""


def fill_from_rows(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statement = {"postgresql": _POSTGRES, "sqlite": _SQLITE}.get(vendor)
    if statement is None:
        raise NotImplementedError(f"no contact-card fill for {vendor}")
    schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='contact_card',
            field=models.JSONField(blank=True, default=sambandh.contacts.models.empty_contact_card, editable=False),
        ),
        migrations.AddField(
            model_name='person',
            name='tag_names',
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        # Reversing drops the columns; there is nothing to undo in them.
        migrations.RunPython(fill_from_rows, migrations.RunPython.noop, elidable=True),
    ]
