"""The one sanctioned change of audit rows: a data-subject erasure blanks the values the rows
about the erased person hold (sambandh.core.audit.redact_values). The PostgreSQL trigger lets an
UPDATE through only inside a transaction that set ``sambandh.audit_redaction`` (SET LOCAL) and
only when nothing but ``changes`` and ``summary`` changes; DELETE stays refused. docs/audit.md."""

from django.db import migrations

REDACTABLE = '''
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('sambandh.audit_redaction', true) = 'on'
       AND (to_jsonb(NEW) - 'changes' - 'summary') = (to_jsonb(OLD) - 'changes' - 'summary') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
'''
STRICT = '''
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
'''


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_trail_source_ip_and_sensitive_fields")]

    operations = [migrations.RunPython(_on_postgres(REDACTABLE), _on_postgres(STRICT))]
