"""Transfers: a minimised packet, a new case at the recipient on acceptance, the sender's case
closed as transferred, consent re-verification due — all in one transaction."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.cases import access as case_access
from amana.cases.errors import ActionError, NotAllowed
from amana.cases.models import Case
from amana.consent.access import TRANSFERRED, reverification_due
from amana.referrals.actions import (
    Intake,
    ReferralInput,
    do_respond_referral,
    do_send_referral,
    do_send_transfer,
)
from amana.referrals.models import Referral
from amana.sharing.models import LedgerEntry
from tests.factories import UserFactory
from tests.referrals.backend_helpers import REFERRAL, World, agree, make_world, say

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _transfer(world: World) -> Referral:
    agree(world, "case_transfer", "imc")
    result = do_send_transfer(
        case=world.case, recipient="imc", legal_basis="consent", actor=world.worker
    )
    assert result.decision["decision"] == "allow"
    return result.referral


def test_the_packet_is_the_file_minus_the_protocols_exclusions(world):
    referral = _transfer(world)
    assert referral.purpose == "case_transfer"
    values = json.loads(referral.packet)
    assert "drafts" not in values and "drafts" not in referral.shared_elements
    assert values["full_name"] == "Nour Haddad"
    assert values["related_people"][0]["full_name"] == "Halima Yusuf"
    assert values["case_summary"]["case_number"] == world.case.case_number
    assert values["assessed_needs"] == [{"code": "neglect", "label": "Neglect"}]
    entry = LedgerEntry.objects.get(pk=referral.ledger_id)
    assert entry.purpose == "case_transfer" and "drafts" in entry.requested
    assert "elements.not_agreed" in entry.codes


def test_without_consent_for_the_transfer_nothing_goes(world):
    agree(world, "referral_immediate", "imc")  # consent for another purpose does not carry over
    result = do_send_transfer(
        case=world.case, recipient="imc", legal_basis="consent", actor=world.worker
    )
    assert result.decision["decision"] == "deny" and result.referral is None
    assert "consent.missing" in {r["code"] for r in result.decision["reasons"]}
    assert LedgerEntry.objects.get(purpose="case_transfer").decision == "deny"


def test_accepting_opens_a_case_at_the_recipient_and_closes_the_senders(world):
    referral = _transfer(world)
    do_respond_referral(referral=referral, accept=True, actor=world.imc)
    referral.refresh_from_db()
    new_case = referral.received_case
    assert referral.status == "accepted" and new_case is not None
    assert new_case.agency.slug == "imc" and new_case.status == Case.Status.OPEN
    assert new_case.child.full_name == "Nour Haddad" and new_case.child_id != world.case.child_id
    assert new_case.child.individual_id == "945-1234"
    assert [p.full_name for p in new_case.child.related_people.all()] == ["Halima Yusuf"]
    assert [c.code for c in new_case.concerns.all()] == ["neglect"]
    assert case_access.can_see(world.imc, new_case)
    assert not case_access.can_see(world.worker, new_case)
    old = Case.objects.get(pk=world.case.pk)
    assert old.status == Case.Status.TRANSFERRED and old.closure_reason == "transferred"
    assert old.closed_at is not None and old.next_due_at is None
    assert not old.tasks.filter(done_at__isnull=True).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"case.transfer_in", "case.transfer_out", "case.register", "referral.accept"} <= actions
    feedback = LedgerEntry.objects.get(purpose="feedback_process")
    assert feedback.sender == "imc" and feedback.recipient == "ngo-psy"


def test_the_new_case_asks_for_consent_again(world):
    referral = _transfer(world)
    do_respond_referral(referral=referral, accept=True, actor=world.imc)
    referral.refresh_from_db()
    today = timezone.localdate()
    assert TRANSFERRED in reverification_due(referral.received_case, today=today, max_age_days=365)
    assert TRANSFERRED in reverification_due(
        Case.objects.get(pk=world.case.pk), today=today, max_age_days=365
    )
    say(
        world,
        purposes=["case_transfer"],
        recipients=["imc"],
        on=today,
        case=referral.received_case,
        actor=world.imc,
    )
    assert TRANSFERRED not in reverification_due(
        referral.received_case, today=today, max_age_days=365
    )


def test_a_case_that_began_at_the_agency_needs_no_transfer_reverification(world):
    today = timezone.localdate()
    assert TRANSFERRED not in reverification_due(world.case, today=today, max_age_days=365)


def test_rejecting_a_transfer_leaves_both_sides_as_they_were(world):
    referral = _transfer(world)
    do_respond_referral(referral=referral, accept=False, reason="No capacity", actor=world.imc)
    referral.refresh_from_db()
    assert referral.received_case is None
    assert Case.objects.get(pk=world.case.pk).status == Case.Status.OPEN
    assert Case.objects.count() == 1


def test_only_the_recipient_agency_with_the_right_roles_accepts(world):
    referral = _transfer(world)
    im_officer = UserFactory(roles=[Role.IM_OFFICER], agency=world.imc.agency)
    for outsider in (world.worker, world.officer, im_officer):
        with pytest.raises(NotAllowed):
            do_respond_referral(referral=referral, accept=True, actor=outsider)
    assert Case.objects.count() == 1
    assert Referral.objects.get(pk=referral.pk).status == "pending"


def test_a_transfer_is_answered_once(world):
    referral = _transfer(world)
    do_respond_referral(referral=referral, accept=True, actor=world.imc)
    with pytest.raises(ActionError):
        do_respond_referral(referral=referral, accept=True, actor=world.imc)
    assert Case.objects.count() == 2


def test_a_transferred_case_sends_nothing_more(world):
    referral = _transfer(world)
    do_respond_referral(referral=referral, accept=True, actor=world.imc)
    agree(world, "referral_immediate", "unhcr")
    for send in (
        lambda: do_send_referral(case=world.case, data=REFERRAL, actor=world.worker),
        lambda: do_send_transfer(
            case=world.case, recipient="unhcr", legal_basis="consent", actor=world.worker
        ),
    ):
        with pytest.raises(ActionError) as err:
            send()
        assert err.value.field == "case"


def test_one_transfer_at_a_time_to_another_agency_with_the_name(world):
    _transfer(world)
    with pytest.raises(ActionError) as err:
        do_send_transfer(
            case=world.case, recipient="unhcr", legal_basis="consent", actor=world.worker
        )
    assert err.value.field == "case"
    Referral.objects.update(status="rejected")
    with pytest.raises(ActionError) as err:
        do_send_transfer(
            case=world.case, recipient="ngo-psy", legal_basis="consent", actor=world.worker
        )
    assert err.value.field == "recipient"
    with pytest.raises(ActionError) as err:
        do_send_transfer(
            case=world.case,
            recipient="imc",
            legal_basis="consent",
            elements=["case_summary"],
            actor=world.worker,
        )
    assert err.value.field == "elements"


def test_the_sender_must_still_hold_an_open_case(world):
    referral = _transfer(world)
    Case.objects.filter(pk=world.case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ActionError) as err:
        do_respond_referral(referral=referral, accept=True, actor=world.imc)
    assert err.value.field == "case"
    assert Referral.objects.get(pk=referral.pk).status == "pending"


def test_a_failure_halfway_through_acceptance_changes_nothing(world, monkeypatch):
    referral = _transfer(world)

    def broken(case):
        raise RuntimeError("disk full")

    monkeypatch.setattr("amana.referrals.actions.received.close_transferred", broken)
    with pytest.raises(RuntimeError):
        do_respond_referral(referral=referral, accept=True, actor=world.imc)
    assert Referral.objects.get(pk=referral.pk).status == "pending"
    assert Case.objects.count() == 1
    assert not LedgerEntry.objects.filter(purpose="feedback_process").exists()


def test_a_transfer_is_also_a_referral_with_purpose_case_transfer(world):
    agree(world, "case_transfer", "imc")
    data = ReferralInput(
        recipient="imc",
        service="",
        legal_basis="consent",
        elements=["full_name", "caseworker_notes"],
        written={},
        purpose="case_transfer",
    )
    with pytest.raises(ActionError):  # no such element is stored in Amana
        do_send_referral(case=world.case, data=data, actor=world.worker)
    data.elements = ["full_name", "sex", "drafts"]
    result = do_send_referral(case=world.case, data=data, actor=world.worker)
    assert result.referral.shared_elements == ["full_name", "sex"]
    withheld = {w["element"]: w["code"] for w in result.decision["withhold"]}
    assert withheld == {"drafts": "elements.not_agreed"}


def test_a_transfer_goes_to_the_caseworker_chosen_of_the_recipient_agency(world):
    referral = _transfer(world)
    colleague = UserFactory(roles=[Role.CASEWORKER], agency=world.imc.agency)
    do_respond_referral(
        referral=referral, accept=True, intake=Intake(assignee=colleague), actor=world.imc
    )
    referral.refresh_from_db()
    new_case = referral.received_case
    assert new_case is not None and case_access.can_see(colleague, new_case)
    assert not case_access.can_see(world.imc, new_case)


def test_a_transfer_cannot_go_to_another_agencys_caseworker(world):
    referral = _transfer(world)
    with pytest.raises(ActionError) as refused:
        do_respond_referral(
            referral=referral, accept=True, intake=Intake(assignee=world.officer), actor=world.imc
        )
    assert refused.value.field == "assignee"
    referral.refresh_from_db()
    assert referral.status == "pending" and referral.received_case is None
    assert Case.objects.get(pk=world.case.pk).status == Case.Status.OPEN
