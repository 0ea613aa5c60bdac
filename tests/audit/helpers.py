"""Writing, sealing and tampering with audit entries in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, transaction

from amana.audit.log import write_entry
from amana.audit.models import AuditEntry
from tests.dbroles import as_owner

TABLE = AuditEntry._meta.db_table


def postgresql_only(why: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(connection.vendor != "postgresql", reason=f"needs PostgreSQL: {why}")


def write_entries(count: int, actor: Any = None, action: str = "test.write") -> list[AuditEntry]:
    """Write `count` entries, each in its own transaction (a savepoint inside a test's)."""
    entries = []
    for number in range(count):
        with transaction.atomic():
            entries.append(
                write_entry(actor=actor, action=action, object_type="thing", object_id=number)
            )
    return entries


def sealed_in_order() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__isnull=False).order_by("seq"))


@contextmanager
def guard_lifted(table: str = TABLE) -> Iterator[None]:
    """Someone holding the table owner's rights: connected as the owner role, the append-only
    trigger off, in one transaction. Needs a transactional test: the owner's connection sees
    committed rows only."""
    with as_owner(), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred FK checks pending
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def tamper_alter(entry: AuditEntry, **fields: Any) -> None:
    with guard_lifted():
        AuditEntry.objects.filter(pk=entry.pk).update(**fields)


def tamper_delete(entry: AuditEntry) -> None:
    with guard_lifted():
        AuditEntry.objects.filter(pk=entry.pk).delete()


def tamper_swap_seq(first: AuditEntry, second: AuditEntry) -> None:
    with guard_lifted():
        AuditEntry.objects.filter(pk=first.pk).update(seq=-1)
        AuditEntry.objects.filter(pk=second.pk).update(seq=first.seq)
        AuditEntry.objects.filter(pk=first.pk).update(seq=second.seq)
