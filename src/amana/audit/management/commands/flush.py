"""Django's `flush`, able to empty the append-only audit table in the test environment only.

Test runners empty the database with `flush` (TRUNCATE) after every transactional test, and
the audit table's trigger refuses TRUNCATE. With AMANA_ENV=test this command lifts the trigger
for the flush, inside one transaction; anywhere else it is Django's flush, which the trigger
refuses, so the audit log cannot be emptied through the application.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections, transaction

# Append-only tables whose triggers refuse TRUNCATE: the audit log and the sharing ledger.
APPEND_ONLY_TABLES = ("audit_auditentry", "sharing_ledgerentry")


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        guarded = [
            table for table in APPEND_ONLY_TABLES if table in connection.introspection.table_names()
        ]
        lift = settings.AMANA_ENV == "test" and connection.vendor == "postgresql" and guarded
        if not lift:
            return super().handle(**options)
        quoted = [connection.ops.quote_name(table) for table in guarded]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table in quoted:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            super().handle(**options)
            for table in quoted:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return None
