"""Make audit_auditentry append-only on PostgreSQL (a no-op on SQLite).

A trigger refuses every DELETE, every TRUNCATE and every UPDATE except the one the sealer makes:
an unsealed entry (seq NULL) receives seq, prev_hash and chain_hash while its id, content
columns and content_hash stay exactly as written.
"""

from django.db import migrations

INSTALL = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.seq IS NULL AND NEW.seq IS NOT NULL
           AND (NEW.id, NEW.at, NEW.actor, NEW.actor_id, NEW.agency, NEW.action,
                NEW.object_type, NEW.object_id, NEW.outcome, NEW.origin, NEW.details,
                NEW.content_hash)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.at, OLD.actor, OLD.actor_id, OLD.agency, OLD.action,
                OLD.object_type, OLD.object_id, OLD.outcome, OLD.origin, OLD.details,
                OLD.content_hash)
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit log is append-only: % on audit_auditentry refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only sealing an unsealed entry (setting seq, prev_hash, chain_hash once) '
                     'is allowed.';
END;
$$;

CREATE TRIGGER audit_entry_append_only_row
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();

CREATE TRIGGER audit_entry_append_only_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS audit_entry_append_only_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_entry_append_only_row ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""


def _execute_on_postgresql(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: no client-side %-interpolation of the plpgsql body.
        schema_editor.execute(sql, None)


def install_guard(apps, schema_editor):
    _execute_on_postgresql(schema_editor, INSTALL)


def remove_guard(apps, schema_editor):
    _execute_on_postgresql(schema_editor, REMOVE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(install_guard, remove_guard),
    ]
