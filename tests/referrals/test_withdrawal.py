"""Withdrawal after sharing: the covered pending referrals are revoked and their recipients
told, in the transaction that records the withdrawal."""

from __future__ import annotations

import pytest

from amana.accounts.models import Agency
from amana.audit.models import AuditEntry
from amana.cases.errors import NotAllowed
from amana.consent.models import ConsentRecord
from amana.referrals import access
from amana.referrals.actions import do_mark_notice_read, do_respond_referral, do_send_referral
from amana.referrals.actions.withdrawal import covers
from amana.referrals.models import RecipientNotice, Referral
from tests.referrals.backend_helpers import REFERRAL, World, agree, make_world, say

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _sent(world: World) -> Referral:
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    assert referral is not None
    return referral


def test_withdrawal_revokes_the_pending_referral_and_tells_the_recipient(world):
    referral = _sent(world)
    say(world, purposes=["referral_immediate"], recipients=["unhcr"], kind="withdrawal")
    referral.refresh_from_db()
    assert referral.status == "revoked" and referral.revoked_at is not None
    assert list(access.inbox(world.officer)) == []
    with pytest.raises(access.ReferralNotFound):
        access.open_packet(world.officer, referral.pk)
    [notice] = access.notices(world.officer)
    assert notice.kind == "consent_withdrawn" and notice.referral_id == referral.pk
    assert AuditEntry.objects.filter(action="referral.revoke", object_id=str(referral.pk)).exists()


def test_a_refusal_naming_nobody_covers_every_recipient(world):
    referral = _sent(world)
    say(world, purposes=[], recipients=[], kind="refusal", given_by="child")
    assert Referral.objects.get(pk=referral.pk).status == "revoked"


def test_withdrawal_for_another_recipient_or_purpose_leaves_the_referral(world):
    referral = _sent(world)
    say(world, purposes=["referral_immediate"], recipients=["imc"], kind="withdrawal")
    say(world, purposes=["case_transfer"], recipients=["unhcr"], kind="withdrawal")
    say(world, purposes=["referral_immediate"], recipients=["unhcr"])  # more consent: nothing
    assert Referral.objects.get(pk=referral.pk).status == "pending"
    assert not RecipientNotice.objects.exists()
    assert list(access.inbox(world.officer)) == [referral]


def test_an_accepted_referral_stays_but_its_recipient_is_told(world):
    referral = _sent(world)
    do_respond_referral(referral=referral, accept=True, actor=world.officer)
    say(world, purposes=["referral_immediate"], recipients=["unhcr"], kind="withdrawal")
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    assert [n.referral_id for n in access.notices(world.officer)] == [referral.pk]


def test_only_the_recipient_agency_sees_and_clears_its_notices(world):
    referral = _sent(world)
    say(world, purposes=["referral_immediate"], recipients=["unhcr"], kind="withdrawal")
    notice = RecipientNotice.objects.get(referral=referral)
    for outsider in (world.worker, world.bystander, world.imc):
        assert list(access.notices(outsider)) == []
        with pytest.raises(NotAllowed):
            do_mark_notice_read(notice=notice, actor=outsider)
    do_mark_notice_read(notice=notice, actor=world.officer)
    assert list(access.notices(world.officer, unread_only=True)) == []
    assert RecipientNotice.objects.get().read_at is not None


def test_refusal_does_not_decide_sharing_on_another_basis():
    unhcr = Agency(slug="unhcr")
    record = ConsentRecord(kind="withdrawal", purposes=[], recipients=[])
    on_consent = Referral(legal_basis="consent", purpose="referral_immediate", recipient=unhcr)
    on_best_interests = Referral(
        legal_basis="best_interests", purpose="referral_immediate", recipient=unhcr
    )
    closed_case = Referral(
        legal_basis="best_interests", purpose="closed_case_access", recipient=unhcr
    )
    assert covers(record, on_consent) and covers(record, closed_case)
    assert not covers(record, on_best_interests)
    narrowed = ConsentRecord(kind="withdrawal", purposes=[], recipients=[], services=["legal_aid"])
    assert not covers(narrowed, on_consent)


def test_a_failure_while_revoking_keeps_neither_the_withdrawal_nor_the_revocation(
    world, monkeypatch
):
    referral = _sent(world)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(RecipientNotice.objects, "create", broken)
    before = ConsentRecord.objects.count()
    with pytest.raises(RuntimeError):
        say(world, purposes=["referral_immediate"], recipients=["unhcr"], kind="withdrawal")
    assert ConsentRecord.objects.count() == before
    assert Referral.objects.get(pk=referral.pk).status == "pending"
