"""On PostgreSQL consent records refuse UPDATE and DELETE: a change of mind is a new record.

The one update allowed is key rotation re-sealing `notes`: every other column stays exactly as
written. TRUNCATE is not guarded here, so that the test runners' flush keeps working.
"""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION amana_consent_record_is_final() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.case_id, NEW.child_id, NEW.given_by, NEW.kind, NEW.purposes,
            NEW.recipients, NEW.services, NEW.stage, NEW.method, NEW.language,
            NEW.explained_by_id, NEW.given_on, NEW.recorded_by_id, NEW.recorded_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.case_id, OLD.child_id, OLD.given_by, OLD.kind, OLD.purposes,
            OLD.recipients, OLD.services, OLD.stage, OLD.method, OLD.language,
            OLD.explained_by_id, OLD.given_on, OLD.recorded_by_id, OLD.recorded_at)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent records are final: % on consent_consentrecord refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Record a refusal or a withdrawal instead.';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consent_record_is_final BEFORE UPDATE OR DELETE ON consent_consentrecord
    FOR EACH ROW EXECUTE FUNCTION amana_consent_record_is_final();
"""
UNGUARD = """
DROP TRIGGER IF EXISTS consent_record_is_final ON consent_consentrecord;
DROP FUNCTION IF EXISTS amana_consent_record_is_final();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(guard, unguard)]
