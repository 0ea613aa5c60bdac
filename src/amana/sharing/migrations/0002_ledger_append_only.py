"""On PostgreSQL the ledger refuses UPDATE, DELETE and TRUNCATE: disclosures stay on record."""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION amana_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the sharing ledger is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sharing_ledger_no_update BEFORE UPDATE OR DELETE ON sharing_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION amana_ledger_append_only();
CREATE TRIGGER sharing_ledger_no_truncate BEFORE TRUNCATE ON sharing_ledgerentry
    FOR EACH STATEMENT EXECUTE FUNCTION amana_ledger_append_only();
"""
UNGUARD = """
DROP TRIGGER IF EXISTS sharing_ledger_no_update ON sharing_ledgerentry;
DROP TRIGGER IF EXISTS sharing_ledger_no_truncate ON sharing_ledgerentry;
DROP FUNCTION IF EXISTS amana_ledger_append_only();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]
    operations = [migrations.RunPython(guard, unguard)]
