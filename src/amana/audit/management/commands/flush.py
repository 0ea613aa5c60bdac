"""Django's `flush`, able to empty the append-only tables in the test environment only.

Test runners empty the database with `flush` (TRUNCATE) after every transactional test. The app
role may not truncate anything and the append-only tables' triggers refuse TRUNCATE, so with
AMANA_ENV=test this command flushes as the owner role (when the tests run with two roles) and
lifts those triggers for the flush, inside one transaction. Anywhere else it is Django's flush,
which the triggers (and, for the app role, its privileges) refuse: the audit log cannot be
emptied through the application.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from amana.core.db_roles import APPEND_ONLY, connected_as_owner


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        if settings.AMANA_ENV != "test" or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(**options)
        try:
            with connected_as_owner():
                self._flush_lifting_the_guards(**options)
        except RuntimeError as exc:
            raise CommandError(f"flush: {exc}") from None
        return None

    def _flush_lifting_the_guards(self, **options: Any) -> None:
        connection = connections[options["database"]]
        guarded = [
            table for table in APPEND_ONLY if table in connection.introspection.table_names()
        ]
        if connection.vendor != "postgresql" or not guarded:
            super().handle(**options)
            return
        quoted = [connection.ops.quote_name(table) for table in guarded]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table in quoted:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            super().handle(**options)
            for table in quoted:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
