"""`FormRecord.decision_note` encrypted (issue #12): the column becomes an `EncryptedTextField` and every
value stored in plain text is rewritten as its ciphertext, bound to table, column and row. The
reverse writes the plaintext back."""

from django.db import migrations

from amana.crypto.adopt import open_stored, seal_stored
import amana.crypto.fields

TABLE, COLUMN = "cases_formrecord", "decision_note"


def _rewrite(schema_editor, convert):
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {quote(COLUMN)} FROM {quote(TABLE)} WHERE {quote(COLUMN)} <> ''"
        )
        rows = cursor.fetchall()
        for row_id, stored in rows:
            value = convert(TABLE, COLUMN, row_id, stored)
            if value is not None:
                cursor.execute(
                    f"UPDATE {quote(TABLE)} SET {quote(COLUMN)} = %s WHERE id = %s",
                    [value, row_id],
                )


def encrypt(apps, schema_editor):
    _rewrite(schema_editor, seal_stored)


def decrypt(apps, schema_editor):
    _rewrite(schema_editor, open_stored)


class Migration(migrations.Migration):
    dependencies = [("caseforms", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="formrecord",
            name="decision_note",
            field=amana.crypto.fields.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
