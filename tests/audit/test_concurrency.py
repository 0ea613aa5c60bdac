"""Many writers at once on PostgreSQL: no writer waits for the sealer, every entry sealed once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, transaction

from amana.audit import sealer
from amana.audit.log import write_entry
from amana.audit.models import AuditEntry
from amana.audit.sealer import SEAL_LOCK_ID, seal_pending
from amana.audit.verify import verify_log
from tests.audit.helpers import postgresql_only

pytestmark = [
    pytest.mark.postgres,
    postgresql_only("advisory locks and truly concurrent writers (SQLite has one write lock)"),
    pytest.mark.django_db(transaction=True),
]


class Worker(threading.Thread):
    """Runs `work` on its own database connection and keeps any exception for the test."""

    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self.work = work
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.work()
        except BaseException as exc:
            self.error = exc
        finally:
            connection.close()

    def finish(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error


@pytest.fixture(autouse=True)
def _fail_instead_of_hanging() -> Iterator[None]:
    """A writer that waited for the sealer's lock would raise here rather than hang the suite."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '10s'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


def write_one(action: str) -> AuditEntry:
    with transaction.atomic():
        return write_entry(actor=None, action=action)


def test_concurrent_writers_end_with_one_contiguous_chain() -> None:
    writers, each = 6, 25
    start = threading.Barrier(writers)

    def write_many() -> None:
        start.wait()
        for _ in range(each):
            write_one("test.concurrent")

    workers = [Worker(write_many) for _ in range(writers)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.finish()
    seal_pending(wait=True)

    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, writers * each + 1))
    report = verify_log(seal=False)
    assert (report.intact, report.entries, report.pending) == (True, writers * each, 0)


def test_an_entry_that_commits_late_is_sealed_later_with_a_higher_seq() -> None:
    written, go_on = threading.Event(), threading.Event()
    late: list[AuditEntry] = []

    def write_and_hold_the_commit() -> None:
        with transaction.atomic():
            late.append(write_entry(actor=None, action="test.late"))
            written.set()
            go_on.wait()

    slow = Worker(write_and_hold_the_commit)
    slow.start()
    written.wait()
    early = write_one("test.early")
    go_on.set()
    slow.finish()

    early.refresh_from_db()
    late[0].refresh_from_db()
    assert late[0].pk < early.pk
    assert (early.seq, late[0].seq) == (1, 2)
    assert verify_log(seal=False).intact


def test_a_writer_does_not_wait_while_another_sealer_holds_the_lock() -> None:
    held, release = threading.Event(), threading.Event()

    def hold_the_sealer_lock() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_ID])
            held.set()
            release.wait()

    holder = Worker(hold_the_sealer_lock)
    holder.start()
    held.wait()
    entry = write_one("test.write")
    sealed_meanwhile = seal_pending()
    release.set()
    holder.finish()

    entry.refresh_from_db()
    assert (entry.seq, sealed_meanwhile) == (None, 0)
    assert seal_pending() == 1


def test_an_entry_committed_while_a_sealer_works_is_sealed_by_that_sealer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batch_taken, go_on = threading.Event(), threading.Event()
    seal_batch = sealer._seal_batch

    def pause_after_the_first_batch() -> int:
        count = seal_batch()
        if threading.current_thread() is busy and not batch_taken.is_set():
            batch_taken.set()
            go_on.wait()
        return count

    monkeypatch.setattr(sealer, "_seal_batch", pause_after_the_first_batch)
    sealed_by_busy: list[int] = []
    busy = Worker(lambda: sealed_by_busy.append(seal_pending()))
    busy.start()
    batch_taken.wait()
    entry = write_one("test.write")
    entry.refresh_from_db()
    assert entry.seq is None, "its writer found the lock taken and left the entry pending"
    go_on.set()
    busy.finish()

    entry.refresh_from_db()
    assert (entry.seq, sealed_by_busy) == (1, [1])
