"""Referral events notify the right people: the recipient agency's receivers when a referral
arrives, is overdue or withdrawn; the sender's caseworker when it is answered or overdue. Never
the actor, another agency, or a colleague without the receiving role."""

from __future__ import annotations

from datetime import date

import pytest

from amana.accounts.roles import Role
from amana.referrals.actions import do_record_reminders, do_respond_referral, do_send_referral
from amana.referrals.models import Referral
from tests.factories import UserFactory
from tests.notifications.helpers import kinds_for, told
from tests.referrals.backend_helpers import REFERRAL, World, agree, at, make_world, say

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _sent(world: World) -> Referral:
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    assert referral is not None
    return referral


def test_a_received_referral_tells_the_recipients_receivers(world):
    unhcr = world.officer.agency
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=unhcr)
    referral = _sent(world)
    notice = told(world.officer, "referral.received")
    assert notice.params == {"sender": "NGO C"} and notice.link == f"/referrals/{referral.pk}/"
    assert kinds_for(boss) == ["referral.received"]


def test_denied_twin_no_receiver_role_other_agency_inactive_or_sender_not_told(world):
    unhcr = world.officer.agency
    im = UserFactory(roles=[Role.IM_OFFICER], agency=unhcr)
    gone = UserFactory(roles=[Role.CASEWORKER], agency=unhcr, is_active=False)
    _sent(world)
    for user in (im, gone, world.imc, world.bystander, world.worker, world.colleague):
        assert kinds_for(user) == []


@pytest.mark.parametrize(
    ("accept", "kind"), [(True, "referral.accepted"), (False, "referral.declined")]
)
def test_an_answer_tells_the_caseworker_who_sent_it(world, accept, kind):
    referral = _sent(world)
    do_respond_referral(referral=referral, accept=accept, reason="No capacity", actor=world.officer)
    notice = told(world.worker, kind)
    assert notice.params == {"case": world.case.case_number, "recipient": "UNHCR"}
    assert notice.link == f"/cases/{world.case.pk}/"
    # Denied twins: the answering officer, the sender's colleague, other agencies.
    assert kinds_for(world.officer) == ["referral.received"]
    assert kinds_for(world.colleague) == [] and kinds_for(world.imc) == []


def test_an_overdue_referral_tells_both_sides_once(world):
    referral = _sent(world)
    Referral.objects.filter(pk=referral.pk).update(sent_at=at(date(2026, 11, 9)))
    do_record_reminders(today=date(2026, 11, 19))
    do_record_reminders(today=date(2026, 11, 20))  # reminded again, not notified again
    assert kinds_for(world.officer) == ["referral.overdue_received", "referral.received"]
    assert kinds_for(world.worker) == ["referral.overdue_sent"]
    assert kinds_for(world.imc) == [] and kinds_for(world.colleague) == []


def test_denied_twin_nothing_overdue_before_the_deadline(world):
    referral = _sent(world)
    Referral.objects.filter(pk=referral.pk).update(sent_at=at(date(2026, 11, 9)))
    do_record_reminders(today=date(2026, 11, 16))
    assert kinds_for(world.worker) == [] and kinds_for(world.officer) == ["referral.received"]


def test_withdrawn_consent_revokes_and_tells_the_recipient(world):
    _sent(world)
    say(world, purposes=["referral_immediate"], recipients=["unhcr"], kind="withdrawal")
    assert kinds_for(world.officer) == ["referral.received", "referral.revoked"]
    assert kinds_for(world.imc) == []


def test_withdrawal_after_acceptance_tells_the_recipient_it_holds_data(world):
    referral = _sent(world)
    do_respond_referral(referral=referral, accept=True, actor=world.officer)
    say(world, purposes=["referral_immediate"], recipients=["unhcr"], kind="withdrawal")
    assert "referral.consent_withdrawn" in kinds_for(world.officer)
    assert kinds_for(world.bystander) == []
