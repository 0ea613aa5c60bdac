"""The keyed chain (ADR 0007): entries sealed from now on record chain version 2 (HMAC-SHA256
under AMANA_AUDIT_KEY). Existing sealed entries keep NULL, read as version 1 (unkeyed SHA-256),
and verify as before; nothing is rewritten, so the append-only trigger is untouched (the sealing
UPDATE may set chain_version together with seq, because the trigger compares only the id and
content columns, and refuses every later change)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_guard")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="chain_version",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
    ]
