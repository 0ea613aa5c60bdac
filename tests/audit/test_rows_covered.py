"""Issue #12: ledger and consent rows are covered by the keyed chain. Each row's audit entry
(`audit.row`) holds a digest of its immutable columns; a row rewritten with plain SQL (its
guard trigger off) no longer matches and `amana audit verify` says so."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from amana.audit.log import write_row_seal
from amana.audit.models import AuditEntry
from amana.consent.models import ConsentRecord
from amana.sharing.models import LEDGER_SEALED_FIELDS, LedgerEntry
from tests.audit.helpers import guard_lifted
from tests.consent.helpers import make_world, record


def run_verify() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def refused_ledger_row() -> LedgerEntry:
    """A refused disclosure, written the way `sharing.disclosure.record` writes it."""
    with transaction.atomic():
        entry = LedgerEntry.objects.create(
            sender="ngo-psy",
            recipient="unhcr",
            purpose="referral_immediate",
            legal_basis="consent",
            protocol="demo-op-a@1",
            decision="deny",
            requested=["full_name"],
            shared=[],
            codes=["consent.missing"],
            request={"from": "ngo-psy", "to": "unhcr", "elements": ["full_name"]},
        )
        write_row_seal(entry, LEDGER_SEALED_FIELDS, actor=None)
    return entry


@pytest.mark.django_db
def test_an_intact_ledger_row_verifies() -> None:
    entry = refused_ledger_row()
    code, out, _ = run_verify()
    assert code == 0
    assert "1 ledger/consent rows match their digests" in out
    sealed = AuditEntry.objects.get(action="audit.row")
    assert sealed.details["pk"] == str(entry.pk)


@pytest.mark.django_db(transaction=True)  # the rewrite runs as the owner
def test_a_ledger_row_rewritten_from_refused_to_allowed_is_detected() -> None:
    entry = refused_ledger_row()
    table = LedgerEntry._meta.db_table
    with guard_lifted(table), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET decision = 'allow', shared = %s WHERE id = %s",
            ['["full_name"]', entry.pk.hex if connection.vendor == "sqlite" else entry.pk],
        )

    code, out, err = run_verify()

    assert (code, out) == (1, "")
    assert f"sharing.LedgerEntry row {entry.pk} was altered" in err
    assert err.count("\n") == 1


@pytest.mark.django_db(transaction=True)  # the rewrite runs as the owner
def test_a_deleted_ledger_row_is_detected() -> None:
    entry = refused_ledger_row()
    table = LedgerEntry._meta.db_table
    with guard_lifted(table):
        LedgerEntry.objects.filter(pk=entry.pk)._raw_delete(connection.alias)

    code, _, err = run_verify()
    assert code == 1
    assert f"sharing.LedgerEntry row {entry.pk} was deleted" in err


@pytest.mark.django_db
def test_an_intact_withdrawal_verifies() -> None:
    world = make_world()
    record(world, kind="withdrawal", purposes=[], recipients=[])
    code, out, _ = run_verify()
    assert code == 0, out
    assert "1 ledger/consent rows match their digests" in out


@pytest.mark.django_db(transaction=True)  # the rewrite runs as the owner
def test_a_withdrawal_rewritten_into_consent_is_detected() -> None:
    world = make_world()
    withdrawal = record(world, kind="withdrawal", purposes=[], recipients=[])
    table = ConsentRecord._meta.db_table
    with guard_lifted(table), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET kind = 'consent' WHERE id = %s",
            [withdrawal.pk.hex if connection.vendor == "sqlite" else withdrawal.pk],
        )

    code, _, err = run_verify()

    assert code == 1
    assert f"consent.ConsentRecord row {withdrawal.pk} was altered" in err
