"""Referrals: decided by the engine from the case's stored facts, only allowed elements sent,
every attempt on the ledger, the recipient sees the packet and never the case."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction

from amana.accounts.roles import Role
from amana.cases import access as case_access
from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import load_protocol_file
from amana.referrals import access
from amana.referrals.actions import ReferralInput, do_respond_referral, do_send_referral
from amana.referrals.models import Referral
from amana.sharing import facts
from amana.sharing.models import LedgerEntry
from tests.cases.helpers import register
from tests.factories import AgencyFactory, UserFactory
from tests.referrals.backend_helpers import consents_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    load_protocol_file(str(demo_protocol_path()), actor=None)
    sender = AgencyFactory(slug="ngo-psy", name="NGO C", case_prefix="NGC")
    unhcr = AgencyFactory(slug="unhcr", name="UNHCR", case_prefix="UNH")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=sender)
    officer = UserFactory(roles=[Role.CASEWORKER], agency=unhcr)
    case = register(worker, name="Nour Haddad", individual_id="945-1234")
    return worker, officer, case


REFERRAL = ReferralInput(
    recipient="unhcr",
    service="resettlement_consideration",
    legal_basis="consent",
    elements=["full_name", "individual_id", "referral_summary", "care_arrangement"],
    written={"referral_summary": "Needs resettlement assessment."},
)


def test_without_consent_nothing_is_sent_but_the_attempt_is_on_the_ledger(world):
    worker, _officer, case = world
    result = do_send_referral(case=case, data=REFERRAL, actor=worker)
    assert result.decision["decision"] == "deny" and result.referral is None
    assert "consent.missing" in {r["code"] for r in result.decision["reasons"]}
    entry = LedgerEntry.objects.get(case=case)
    assert entry.decision == "deny" and entry.shared == [] and entry.recipient == "unhcr"
    assert not Referral.objects.exists()


def test_allowed_referral_freezes_only_the_allowed_elements(world, monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents_for("unhcr"))
    worker, _officer, case = world
    result = do_send_referral(case=case, data=REFERRAL, actor=worker)
    assert result.decision["decision"] == "allow"
    referral = result.referral
    assert referral.shared_elements == ["full_name", "individual_id", "referral_summary"]
    assert json.loads(referral.packet) == {
        "full_name": "Nour Haddad",
        "individual_id": "945-1234",
        "referral_summary": "Needs resettlement assessment.",
    }
    withheld = {w["element"]: w["code"] for w in result.decision["withhold"]}
    assert withheld == {"care_arrangement": "elements.not_agreed"}
    assert LedgerEntry.objects.get(pk=referral.ledger_id).shared == referral.shared_elements
    with connection.cursor() as cursor:
        cursor.execute("SELECT packet FROM referrals_referral")
        assert "Nour" not in cursor.fetchone()[0]


def test_recipient_sees_the_packet_never_the_case(world, monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents_for("unhcr"))
    worker, officer, case = world
    referral = do_send_referral(case=case, data=REFERRAL, actor=worker).referral
    assert list(access.inbox(officer)) == [referral]
    assert access.open_packet(officer, referral.pk)["values"]["full_name"] == "Nour Haddad"
    with pytest.raises(case_access.CaseNotFound):
        case_access.access_case(officer, case.pk)
    bystander = UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory(slug="ngo-livelihoods"))
    assert list(access.inbox(bystander)) == []
    with pytest.raises(access.ReferralNotFound):
        access.open_packet(bystander, referral.pk)
    with pytest.raises(access.ReferralNotFound):
        access.open_packet(officer, "not-a-uuid")


def test_answer_flows_back_as_process_feedback(world, monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents_for("unhcr"))
    worker, officer, case = world
    referral = do_send_referral(case=case, data=REFERRAL, actor=worker).referral
    from amana.cases.errors import ActionError, NotAllowed

    with pytest.raises(NotAllowed):
        do_respond_referral(referral=referral, accept=True, actor=worker)
    with pytest.raises(ActionError):
        do_respond_referral(referral=referral, accept=False, reason=" ", actor=officer)
    do_respond_referral(referral=referral, accept=True, actor=officer)
    assert [r.status for r in access.referrals_of_case(worker, case)] == ["accepted"]
    feedback = LedgerEntry.objects.get(purpose="feedback_process")
    assert feedback.decision == "allow" and feedback.sender == "unhcr"
    assert "feedback.process_only" in feedback.codes
    with pytest.raises(ActionError):
        do_respond_referral(referral=referral, accept=False, reason="late", actor=officer)


def test_stigmatising_label_reaches_the_recipient_neutral(world, monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents_for("unhcr"))
    worker, _officer, case = world
    data = ReferralInput(**{**REFERRAL.__dict__, "label": "GBV referral"})
    assert do_send_referral(case=case, data=data, actor=worker).referral.label == "high priority"


def test_a_failure_halfway_leaves_no_packet_and_no_ledger_entry(world, monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents_for("unhcr"))
    worker, _officer, case = world

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("amana.referrals.actions.send.packet_values", broken)
    with pytest.raises(RuntimeError):
        do_send_referral(case=case, data=REFERRAL, actor=worker)
    assert not LedgerEntry.objects.exists() and not Referral.objects.exists()


def test_only_people_on_the_case_refer(world):
    _worker, officer, case = world
    from amana.cases.errors import NotAllowed

    colleague = UserFactory(roles=[Role.CASEWORKER], agency=case.agency)
    for outsider in (officer, colleague, UserFactory(roles=[Role.IM_OFFICER], agency=case.agency)):
        with pytest.raises(NotAllowed):
            do_send_referral(case=case, data=REFERRAL, actor=outsider)
    assert not LedgerEntry.objects.exists()


def test_unknown_element_or_agency_is_named(world):
    worker, _officer, case = world
    from amana.cases.errors import ActionError

    for change, field in (
        ({"elements": ["soul"]}, "elements"),
        ({"recipient": "nobody"}, "recipient"),
    ):
        with pytest.raises(ActionError) as err:
            do_send_referral(
                case=case, data=ReferralInput(**{**REFERRAL.__dict__, **change}), actor=worker
            )
        assert err.value.field == field
    assert not LedgerEntry.objects.exists()


def test_the_ledger_cannot_be_changed_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    worker, _officer, case = world
    do_send_referral(case=case, data=REFERRAL, actor=worker)
    from django.db import DatabaseError

    for statement in (
        "UPDATE sharing_ledgerentry SET decision = 'allow'",
        "DELETE FROM sharing_ledgerentry",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert LedgerEntry.objects.get().decision == "deny"


# --- purpose, contact method, the ledger of a case ----------------------------------------


def _gbv(case):
    from amana.refdata.models import Lookup

    case.concerns.add(Lookup.objects.get(kind="protection_concerns", code="gbv"))
    return case


def test_never_a_home_visit_for_a_gbv_survivor(world, monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents_for("unhcr"))
    worker, _officer, case = world
    _gbv(case)
    data = ReferralInput(**{**REFERRAL.__dict__, "contact_method": "home_visit"})
    result = do_send_referral(case=case, data=data, actor=worker)
    assert result.decision["decision"] == "deny" and result.referral is None
    assert "contact.unsafe" in {r["code"] for r in result.decision["reasons"]}
    assert LedgerEntry.objects.get().decision == "deny"


def test_a_phone_call_is_fine_for_a_gbv_survivor(world, monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents_for("unhcr"))
    worker, _officer, case = world
    _gbv(case)
    data = ReferralInput(**{**REFERRAL.__dict__, "contact_method": "phone"})
    referral = do_send_referral(case=case, data=data, actor=worker).referral
    assert referral is not None and referral.contact_method == "phone"


def test_a_home_visit_is_fine_when_the_case_is_not_gbv(world, monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents_for("unhcr"))
    worker, _officer, case = world
    data = ReferralInput(**{**REFERRAL.__dict__, "contact_method": "home_visit"})
    assert do_send_referral(case=case, data=data, actor=worker).referral is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [({"contact_method": "carrier pigeon"}, "contact_method"), ({"purpose": "fun"}, "purpose")],
)
def test_unknown_contact_method_or_purpose_is_named(world, change, field):
    worker, _officer, case = world
    from amana.cases.errors import ActionError

    with pytest.raises(ActionError) as err:
        do_send_referral(
            case=case, data=ReferralInput(**{**REFERRAL.__dict__, **change}), actor=worker
        )
    assert err.value.field == field
    assert not LedgerEntry.objects.exists()


def test_the_purpose_is_stored_and_decided(world, monkeypatch):
    worker, officer, case = world

    monkeypatch.setattr(
        facts, "engine_consent_records", consents_for("unhcr", purpose="referral_future")
    )
    data = ReferralInput(
        recipient="unhcr",
        service="",
        legal_basis="consent",
        elements=["case_number", "specific_needs_codes", "full_name"],
        written={},
        purpose="referral_future",
    )
    result = do_send_referral(case=case, data=data, actor=worker)
    assert result.referral.purpose == "referral_future"
    assert result.referral.shared_elements == ["case_number", "specific_needs_codes"]
    assert access.open_packet(officer, result.referral.pk)["purpose"] == "referral_future"
    immediate = do_send_referral(case=case, data=REFERRAL, actor=worker)
    assert immediate.decision["decision"] == "deny"  # consent for later is not for now


def test_the_case_shows_who_received_what(world, monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents_for("unhcr"))
    worker, _officer, case = world
    AgencyFactory(slug="imc")
    do_send_referral(case=case, data=REFERRAL, actor=worker)
    do_send_referral(
        case=case, data=ReferralInput(**{**REFERRAL.__dict__, "recipient": "imc"}), actor=worker
    )
    rows = list(access.ledger_of_case(worker, case))
    assert [(r.recipient, r.decision) for r in rows] == [("imc", "deny"), ("unhcr", "allow")]
    assert rows[1].shared == ["full_name", "individual_id", "referral_summary"]


def test_only_people_on_the_case_see_its_ledger(world, monkeypatch):
    monkeypatch.setattr(facts, "engine_consent_records", consents_for("unhcr"))
    worker, officer, case = world
    do_send_referral(case=case, data=REFERRAL, actor=worker)
    colleague = UserFactory(roles=[Role.CASEWORKER], agency=case.agency)
    im_officer = UserFactory(roles=[Role.IM_OFFICER], agency=case.agency)
    from amana.cases.models import CaseAssignment

    CaseAssignment.objects.create(case=case, user=im_officer, role="other")
    for outsider in (officer, colleague, im_officer):
        assert list(access.ledger_of_case(outsider, case)) == []
