"""Ledger rows are never changed or deleted through the ORM, on any database (PostgreSQL's
trigger refuses it too)."""

from __future__ import annotations

import pytest

from amana.sharing.models import LedgerEntry, LedgerIsFinal

pytestmark = pytest.mark.django_db
REQUEST = {
    "from": "ngo-psy",
    "to": "unhcr",
    "purpose": "referral_immediate",
    "service": None,
    "legal_basis": "consent",
    "elements": ["full_name"],
}
DENIED = {"decision": "deny", "reasons": [{"code": "consent.missing"}], "withhold": [], "share": []}


def entry() -> LedgerEntry:
    return LedgerEntry.objects.create(
        sender=REQUEST["from"],
        recipient=REQUEST["to"],
        purpose=REQUEST["purpose"],
        legal_basis=REQUEST["legal_basis"],
        protocol="demo-op-a@1",
        decision=DENIED["decision"],
        requested=REQUEST["elements"],
        shared=[],
        codes=["consent.missing"],
        request=REQUEST,
    )


def test_a_new_row_is_written():
    made = entry()
    assert LedgerEntry.objects.get(pk=made.pk).codes == ["consent.missing"]


def test_denied_twin_a_stored_row_cannot_be_saved_again_or_deleted():
    made = entry()
    made.decision = "allow"
    with pytest.raises(LedgerIsFinal):
        made.save()
    with pytest.raises(LedgerIsFinal):
        made.delete()
    with pytest.raises(LedgerIsFinal):
        LedgerEntry.objects.filter(pk=made.pk).update(decision="allow")
    with pytest.raises(LedgerIsFinal):
        LedgerEntry.objects.filter(pk=made.pk).delete()
    assert LedgerEntry.objects.get(pk=made.pk).decision == "deny"
