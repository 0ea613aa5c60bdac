"""On PostgreSQL the application's role cannot change or remove audit entries, only seal them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from pytest_django.fixtures import Settings

from amana.audit.models import AuditEntry
from amana.audit.sealer import seal_pending
from tests.audit.helpers import TABLE, postgresql_only, write_entries

pytestmark = [
    pytest.mark.postgres,
    postgresql_only("the append-only trigger exists on PostgreSQL only"),
    pytest.mark.django_db,
]
REFUSED = "audit log is append-only"


def refused(sql: str, params: list[object] | None = None) -> bool:
    """Run `sql` in a savepoint; True when the trigger refused it."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        assert REFUSED in str(exc)
        return True
    return False


def test_the_sealing_update_is_allowed() -> None:
    write_entries(2)

    assert seal_pending() == 2
    assert list(AuditEntry.objects.values_list("seq", flat=True).order_by("seq")) == [1, 2]


def test_changing_the_content_of_an_entry_is_refused_sealed_or_not() -> None:
    pending, sealed = write_entries(2)
    AuditEntry.objects.filter(pk=sealed.pk).update(seq=1, prev_hash="0" * 64, chain_hash="a" * 64)

    for entry in (pending, sealed):
        assert refused(f"UPDATE {TABLE} SET action = 'case.nothing' WHERE id = %s", [entry.pk])
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(details={"rewritten": True})


def test_sealing_may_not_change_content_at_the_same_time() -> None:
    (entry,) = write_entries(1)

    assert refused(
        f"UPDATE {TABLE} SET seq = 1, chain_hash = 'x', content_hash = 'y' WHERE id = %s",
        [entry.pk],
    )


def test_a_sealed_entry_cannot_be_sealed_again_or_saved() -> None:
    (entry,) = write_entries(1)
    seal_pending()
    entry.refresh_from_db()

    assert refused(f"UPDATE {TABLE} SET seq = 99 WHERE id = %s", [entry.pk])
    assert refused(f"UPDATE {TABLE} SET prev_hash = chain_hash WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        entry.save()


def test_delete_and_truncate_are_refused() -> None:
    (entry,) = write_entries(1)

    assert refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert refused(f"TRUNCATE {TABLE}")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_inserting_new_entries_is_allowed() -> None:
    assert not refused(
        f"INSERT INTO {TABLE} (at, actor, actor_id, agency, action, object_type, object_id, "
        "outcome, origin, details, content_hash, prev_hash, chain_hash) VALUES "
        "(now(), '', '', '', 'test.raw', '', '', 'ok', '', '{}', 'h', '', '')"
    )


def _guard_installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger"
            " WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
            [TABLE],
        )
        row = cursor.fetchone()
    return bool(row and row[0] == 2)


def test_the_migration_is_reversible() -> None:
    write_entries(1)
    executor = MigrationExecutor(connection)

    executor.migrate([("audit", "0001_initial")])
    assert not _guard_installed()
    assert not refused(f"DELETE FROM {TABLE}")

    executor.loader.build_graph()
    executor.migrate([("audit", "0002_append_only_guard")])
    assert _guard_installed()
    assert refused(f"TRUNCATE {TABLE}")


def test_flush_empties_the_log_in_the_test_environment_only(settings: Settings) -> None:
    write_entries(2)

    settings.AMANA_ENV = "production"
    with pytest.raises(CommandError):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 2

    settings.AMANA_ENV = "test"
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    assert _guard_installed()
    write_entries(1)
    assert refused(f"DELETE FROM {TABLE}")
