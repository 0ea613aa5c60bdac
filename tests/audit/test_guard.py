"""On PostgreSQL the audit table's trigger refuses every change but sealing, whoever asks: even
the table's owner, unless they first switch it off. These tests run as the owner role; the app
role is stopped earlier, by its privileges (tests/core/test_db_roles.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from pytest_django.fixtures import Settings

from amana.audit.models import AuditEntry
from amana.audit.sealer import seal_pending
from tests.audit.helpers import TABLE, postgresql_only, write_entries
from tests.dbroles import as_owner, needs_two_roles

pytestmark = [
    pytest.mark.postgres,
    postgresql_only("the append-only trigger exists on PostgreSQL only"),
    # As the owner, whose connection sees committed rows only.
    pytest.mark.django_db(transaction=True),
]
REFUSED = "audit log is append-only"


@pytest.fixture
def owner() -> Iterator[None]:
    """The test as the owner role, in one transaction rolled back at the end (as a TestCase
    would): entries written in it stay unsealed until the test seals them."""
    with as_owner(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def refused(sql: str, params: list[object] | None = None) -> bool:
    """Run `sql` in a savepoint; True when the trigger refused it."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        assert REFUSED in str(exc)
        return True
    return False


@pytest.mark.usefixtures("owner")
def test_the_sealing_update_is_allowed() -> None:
    write_entries(2)

    assert seal_pending() == 2
    assert list(AuditEntry.objects.values_list("seq", flat=True).order_by("seq")) == [1, 2]


@pytest.mark.usefixtures("owner")
def test_changing_the_content_of_an_entry_is_refused_sealed_or_not() -> None:
    pending, sealed = write_entries(2)
    AuditEntry.objects.filter(pk=sealed.pk).update(seq=1, prev_hash="0" * 64, chain_hash="a" * 64)

    for entry in (pending, sealed):
        assert refused(f"UPDATE {TABLE} SET action = 'case.nothing' WHERE id = %s", [entry.pk])
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).update(details={"rewritten": True})


@pytest.mark.usefixtures("owner")
def test_sealing_may_not_change_content_at_the_same_time() -> None:
    (entry,) = write_entries(1)

    assert refused(
        f"UPDATE {TABLE} SET seq = 1, chain_hash = 'x', content_hash = 'y' WHERE id = %s",
        [entry.pk],
    )


@pytest.mark.usefixtures("owner")
def test_a_sealed_entry_cannot_be_sealed_again_or_saved() -> None:
    (entry,) = write_entries(1)
    seal_pending()
    entry.refresh_from_db()

    assert refused(f"UPDATE {TABLE} SET seq = 99 WHERE id = %s", [entry.pk])
    assert refused(f"UPDATE {TABLE} SET prev_hash = chain_hash WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        entry.save()


@pytest.mark.usefixtures("owner")
def test_delete_and_truncate_are_refused() -> None:
    (entry,) = write_entries(1)

    assert refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert refused(f"TRUNCATE {TABLE}")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.usefixtures("owner")
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


@pytest.mark.usefixtures("owner")
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
    with as_owner():
        write_entries(1)
        assert refused(f"DELETE FROM {TABLE}")


@needs_two_roles()
def test_flush_inside_an_open_transaction_is_refused_not_left_waiting() -> None:
    """The owner's TRUNCATE would wait for the open transaction's locks for ever."""
    write_entries(1)
    with pytest.raises(CommandError, match="transactional test"), transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
