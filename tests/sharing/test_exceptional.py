"""Exceptional circumstances: recorded on the case, approved by a supervisor with the consent
override, and only then the basis the engine sees — never a flag the client sends."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import msgspec
import pytest
from django.db import connection
from django.utils import timezone

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.caseforms.formdata import write_data
from amana.caseforms.models import FormDefinition, FormRecord
from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import load_protocol_file
from amana.referrals.actions import ReferralInput, decide_referral
from amana.sharing import access, facts
from amana.sharing.actions import (
    do_approve_exceptional_circumstance,
    do_record_exceptional_circumstance,
)
from amana.sharing.disclosure import Intent
from amana.sharing.models import ExceptionalCircumstance
from tests.consent.helpers import World, make_world
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
DANGER = "Zq-danger: the child is held at the checkpoint tonight"
ASSESSMENT = "Zq-assessment: sharing the name gets the child out; the recipient keeps it"
TODAY = timezone.localdate()


@pytest.fixture
def world() -> World:
    load_protocol_file(str(demo_protocol_path()), actor=None)
    return make_world()


def record(world: World, **given) -> ExceptionalCircumstance:
    values = {
        "kind": "vital_interests",
        "description": DANGER,
        "risk_assessment": ASSESSMENT,
        "recipient": "ngo-psy",
        "recipient_assessed_safe": True,
    }
    values.update(given)
    actor = values.pop("actor", world.worker)
    return do_record_exceptional_circumstance(case=world.case, actor=actor, **values)


def request(
    world: World,
    basis: str = "vital_interests",
    recipient: str = "ngo-psy",
    service: str = "psychosocial_support",
    at=None,
):
    """The engine's request for this referral, as the ledger keeps it (JSON)."""
    intent = Intent(
        recipient=recipient,
        purpose="referral_immediate",
        service=service,
        legal_basis=basis,
        elements=("full_name",),
    )
    built = facts.request_for(world.case, intent, sender=world.case.agency.slug, at=at or TODAY)
    return msgspec.to_builtins(built)


# --- Recording ------------------------------------------------------------------------------


def test_caseworker_records_a_pending_circumstance_audited_without_the_text(world):
    made = record(world)
    assert made.status == "pending" and made.requested_by == world.worker
    assert made.approved_by is None and made.approved_at is None
    entry = AuditEntry.objects.get(action="exceptional.record")
    assert entry.details["kind"] == "vital_interests" and entry.details["recipient"] == "ngo-psy"
    assert "Zq-" not in str(entry.details)


def test_description_and_assessment_are_encrypted_at_rest(world):
    record(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, risk_assessment FROM sharing_exceptionalcircumstance")
        stored = " ".join(cursor.fetchone())
    assert "Zq-" not in stored
    assert ExceptionalCircumstance.objects.get().description == DANGER


def test_someone_not_on_the_case_cannot_record(world):
    with pytest.raises(NotAllowed):
        record(world, actor=world.stranger)
    with pytest.raises(NotAllowed):
        record(world, actor=world.peer)  # same agency, not assigned
    with pytest.raises(NotAllowed):
        record(world, actor=world.im_officer)
    assert not ExceptionalCircumstance.objects.exists()


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"kind": "convenience"}, "kind"),
        ({"description": "  "}, "description"),
        ({"risk_assessment": ""}, "risk_assessment"),
        ({"risk_assessment": "x" * 4001}, "risk_assessment"),
        ({"recipient": "nobody"}, "recipient"),
        ({"recipient": "imc"}, "recipient"),
        ({"recipient_assessed_safe": "yes"}, "recipient_assessed_safe"),
    ],
)
def test_bad_input_names_the_field(world, given, field):
    with pytest.raises(ActionError) as error:
        record(world, **given)
    assert error.value.field == field
    assert not ExceptionalCircumstance.objects.exists()


# --- Approval -------------------------------------------------------------------------------


def test_the_case_supervisor_approves_and_it_is_audited(world):
    made = record(world)
    decided = do_approve_exceptional_circumstance(record=made, approve=True, actor=world.boss)
    assert decided.status == "approved"
    assert decided.approved_by == world.boss and decided.approved_at is not None
    entry = AuditEntry.objects.get(action="exceptional.decide")
    assert entry.actor == world.boss.username and entry.details["status"] == "approved"


def test_a_caseworker_cannot_approve_even_on_their_own_case(world):
    made = record(world)
    with pytest.raises(NotAllowed):
        do_approve_exceptional_circumstance(record=made, approve=True, actor=world.worker)
    made.refresh_from_db()
    assert made.status == "pending"


def test_the_requester_cannot_approve_their_own_record(world):
    made = record(world, actor=world.boss)
    with pytest.raises(NotAllowed):
        do_approve_exceptional_circumstance(record=made, approve=True, actor=world.boss)
    other_boss = UserFactory(roles=[Role.SUPERVISOR], agency=world.case.agency)
    world.case.assignments.create(user=other_boss, role="other")
    assert do_approve_exceptional_circumstance(record=made, approve=True, actor=other_boss)


def test_a_supervisor_of_another_agency_or_off_the_case_cannot_approve(world):
    made = record(world)
    elsewhere = UserFactory(roles=[Role.SUPERVISOR], agency=AgencyFactory(slug="unhcr"))
    same_agency = UserFactory(roles=[Role.SUPERVISOR], agency=world.case.agency)
    for actor in (elsewhere, same_agency):
        with pytest.raises(NotAllowed):
            do_approve_exceptional_circumstance(record=made, approve=True, actor=actor)


def test_rejection_needs_a_reason_and_a_decision_is_final(world):
    made = record(world)
    with pytest.raises(ActionError) as error:
        do_approve_exceptional_circumstance(record=made, approve=False, note=" ", actor=world.boss)
    assert error.value.field == "note"
    rejected = do_approve_exceptional_circumstance(
        record=made, approve=False, note="Not immediate", actor=world.boss
    )
    assert rejected.status == "rejected" and rejected.approved_by is None
    with pytest.raises(ActionError):
        do_approve_exceptional_circumstance(record=made, approve=True, actor=world.boss)


# --- The request the engine sees ------------------------------------------------------------


def test_no_exceptional_object_until_approved(world):
    assert request(world)["exceptional"] is None
    made = record(world)
    assert request(world)["exceptional"] is None  # pending
    do_approve_exceptional_circumstance(record=made, approve=True, actor=world.boss)
    shown = request(world)["exceptional"]
    assert shown["circumstance"] == "vital_interests"
    assert shown["recipient_assessed_safe"] is True
    assert str(made.pk) in shown["risk_assessment"]
    assert "Zq-" not in str(request(world))  # the ledger keeps the request: no texts in it


def test_an_approval_counts_only_for_its_recipient_basis_and_date(world):
    made = record(world)
    do_approve_exceptional_circumstance(record=made, approve=True, actor=world.boss)
    assert request(world, recipient="unhcr")["exceptional"] is None
    assert request(world, basis="safety_security")["exceptional"] is None
    assert request(world, basis="consent")["exceptional"] is None
    assert request(world, at=TODAY - timedelta(days=1))["exceptional"] is None


def test_a_rejected_record_is_never_used(world):
    made = record(world)
    do_approve_exceptional_circumstance(record=made, approve=False, note="no", actor=world.boss)
    assert request(world)["exceptional"] is None


def test_the_newest_approved_record_wins(world):
    first = record(world, recipient_assessed_safe=True)
    do_approve_exceptional_circumstance(record=first, approve=True, actor=world.boss)
    second = record(world, recipient_assessed_safe=False)
    do_approve_exceptional_circumstance(record=second, approve=True, actor=world.boss)
    assert request(world)["exceptional"]["recipient_assessed_safe"] is False


def test_a_caller_cannot_supply_an_exceptional_circumstance(world):
    """The intent has no room for one: it comes from the approved record on the case only."""
    assert "exceptional" not in {field.name for field in dataclasses.fields(Intent)}
    assert request(world)["exceptional"] is None


REFERRAL = ReferralInput(
    recipient="ngo-psy",
    service="psychosocial_support",
    legal_basis="vital_interests",
    elements=["full_name", "contact_phone"],
    written={},
)


def _codes(decision):
    return {r["code"] for r in decision["reasons"]}


def test_engine_denies_vital_interests_without_an_approved_assessment(world):
    record(world)  # pending: not yet a basis
    decided = decide_referral(world.case, REFERRAL, TODAY)
    decision, _ref = decided.explained, decided.protocol
    assert decision["decision"] == "deny"
    assert "exceptional.no_risk_assessment" in _codes(decision)


def test_engine_allows_vital_interests_once_approved(world):
    made = record(world)
    do_approve_exceptional_circumstance(record=made, approve=True, actor=world.boss)
    decided = decide_referral(world.case, REFERRAL, TODAY)
    decision, _ref = decided.explained, decided.protocol
    assert decision["decision"] == "allow", decision["reasons"]
    assert set(decision["share"]) == {"full_name", "contact_phone"}


def test_engine_denies_when_the_recipient_was_not_assessed_safe(world):
    made = record(world, recipient_assessed_safe=False)
    do_approve_exceptional_circumstance(record=made, approve=True, actor=world.boss)
    decided = decide_referral(world.case, REFERRAL, TODAY)
    decision, _ref = decided.explained, decided.protocol
    assert decision["decision"] == "deny"
    assert "exceptional.recipient_unsafe" in _codes(decision)


# --- Best interests -------------------------------------------------------------------------


def _bia(world: World, data: dict, status=FormRecord.Status.APPROVED) -> FormRecord:
    form, _ = FormDefinition.objects.get_or_create(
        form_id="bia", version=1, agency=None, defaults={"definition": {"id": "bia"}}
    )
    bia = FormRecord(
        case=world.case, form=form, status=status, created_by=world.worker,
        decided_by=world.boss, decided_at=timezone.now(),
    )  # fmt: skip
    write_data(bia, data)
    bia.save()
    return bia


def test_no_approved_bia_means_no_best_interests(world):
    assert request(world, basis="best_interests")["best_interests"] is None
    _bia(world, {"supports_sharing": True}, status=FormRecord.Status.SUBMITTED)
    assert request(world, basis="best_interests")["best_interests"] is None


def test_an_approved_bia_without_an_answer_supports_sharing_as_before(world):
    _bia(world, {})
    shown = request(world, basis="best_interests")["best_interests"]
    assert shown == {"assessed_on": TODAY.isoformat(), "supports_sharing": True}


def test_the_bia_says_whether_it_supports_sharing_and_with_which_services(world):
    _bia(world, {"supports_sharing": True, "assessment_date": "2026-05-02",
                 "services_recommended": ["psychosocial_support"]})  # fmt: skip
    shown = request(world, basis="best_interests")["best_interests"]
    assert shown == {"assessed_on": "2026-05-02", "supports_sharing": True}
    other = request(world, basis="best_interests", recipient="ngo-legal", service="legal_aid")
    assert other["best_interests"]["supports_sharing"] is False


def test_a_bia_that_does_not_support_sharing_says_so_and_the_engine_denies(world):
    _bia(world, {"supports_sharing": False})
    assert request(world, basis="best_interests")["best_interests"]["supports_sharing"] is False
    data = ReferralInput(**(REFERRAL.__dict__ | {"legal_basis": "best_interests"}))
    decided = decide_referral(world.case, data, TODAY)
    decision, _ref = decided.explained, decided.protocol
    assert decision["decision"] == "deny"
    assert "best_interests.not_determined" in _codes(decision)


# --- Web pages ------------------------------------------------------------------------------


FORM = {
    "kind": "vital_interests",
    "description": DANGER,
    "risk_assessment": ASSESSMENT,
    "recipient": "ngo-psy",
    "recipient_assessed_safe": "on",
}


def test_caseworker_records_from_the_case_page(client, world):
    client.force_login(world.worker)
    url = f"/sharing/cases/{world.case.pk}/exceptional/"
    page = client.get(url)
    assert page.status_code == 200 and b"Record an exceptional circumstance" in page.content
    response = client.post(url, FORM)
    made = ExceptionalCircumstance.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{made.pk}/")
    assert made.recipient_assessed_safe and made.requested_by == world.worker


def test_the_record_page_bad_input_keeps_the_form(client, world):
    client.force_login(world.worker)
    response = client.post(
        f"/sharing/cases/{world.case.pk}/exceptional/", FORM | {"risk_assessment": ""}
    )
    assert response.status_code == 400 and not ExceptionalCircumstance.objects.exists()
    assert DANGER.encode() in response.content


def test_other_agencies_and_colleagues_off_the_case_find_nothing(client, world):
    made = record(world)
    for user in (world.stranger, world.peer):
        client.force_login(user)
        assert client.get(f"/sharing/cases/{world.case.pk}/exceptional/").status_code == 404
        assert client.post(f"/sharing/cases/{world.case.pk}/exceptional/", FORM).status_code == 404
        page = client.get(f"/sharing/exceptional/{made.pk}/")
        assert page.status_code == 404 and b"Zq-" not in page.content
    assert ExceptionalCircumstance.objects.count() == 1


def test_supervisor_approves_from_the_list(client, world):
    made = record(world)
    client.force_login(world.boss)
    inbox = client.get("/sharing/exceptional/")
    assert inbox.status_code == 200 and str(made.pk).encode() in inbox.content
    detail = client.get(f"/sharing/exceptional/{made.pk}/")
    assert detail.status_code == 200 and DANGER.encode() in detail.content
    response = client.post(f"/sharing/exceptional/{made.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == "approved" and made.decided_by == world.boss
    assert str(made.pk).encode() not in client.get("/sharing/exceptional/").content


def test_supervisor_rejects_only_with_a_reason(client, world):
    made = record(world)
    client.force_login(world.boss)
    url = f"/sharing/exceptional/{made.pk}/"
    assert client.post(url, {"decision": "reject", "note": ""}).status_code == 400
    assert client.post(url, {"decision": "reject", "note": "Not immediate"}).status_code == 302
    made.refresh_from_db()
    assert made.status == "rejected"


def test_caseworker_cannot_approve_through_the_page(client, world):
    made = record(world)
    client.force_login(world.worker)
    assert client.get("/sharing/exceptional/").status_code == 403
    page = client.get(f"/sharing/exceptional/{made.pk}/")
    assert page.status_code == 200 and b'value="approve"' not in page.content
    assert (
        client.post(f"/sharing/exceptional/{made.pk}/", {"decision": "approve"}).status_code == 403
    )
    made.refresh_from_db()
    assert made.status == "pending"


def test_the_consent_page_links_to_the_exceptional_circumstances(client, world):
    client.force_login(world.worker)
    page = client.get(f"/consent/cases/{world.case.pk}/")
    assert f"/sharing/cases/{world.case.pk}/exceptional/".encode() in page.content


# --- API ------------------------------------------------------------------------------------


def api_post(client, url, body):
    return client.post(url, body, content_type="application/json")


BODY = FORM | {"recipient_assessed_safe": True}


def test_api_records_lists_and_approves(client, world):
    client.force_login(world.worker)
    url = f"/api/v1/cases/{world.case.pk}/exceptional-circumstances/"
    created = api_post(client, url, BODY)
    assert created.status_code == 201 and created.json()["status"] == "pending"
    listed = client.get(url).json()["results"]
    assert [r["id"] for r in listed] == [created.json()["id"]]
    assert listed[0]["description"] == DANGER
    client.force_login(world.boss)
    pending = client.get("/api/v1/exceptional-circumstances/pending/").json()["results"]
    assert [r["id"] for r in pending] == [created.json()["id"]]
    assert "description" not in pending[0]
    decided = api_post(
        client, f"/api/v1/exceptional-circumstances/{created.json()['id']}/decision/",
        {"approve": True},
    )  # fmt: skip
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert decided.json()["decided_by"] == world.boss.username


def test_api_refuses_approval_without_the_override(client, world):
    made = record(world)
    client.force_login(world.worker)
    assert client.get("/api/v1/exceptional-circumstances/pending/").status_code == 403
    url = f"/api/v1/exceptional-circumstances/{made.pk}/decision/"
    assert api_post(client, url, {"approve": True}).status_code == 403
    made.refresh_from_db()
    assert made.status == "pending"


def test_api_bad_input_and_other_agencies(client, world):
    client.force_login(world.worker)
    url = f"/api/v1/cases/{world.case.pk}/exceptional-circumstances/"
    bad = api_post(client, url, BODY | {"risk_assessment": " "})
    assert bad.status_code == 400
    unknown = api_post(client, url, BODY | {"recipient": "nobody"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "recipient"
    made = record(world)
    client.force_login(world.stranger)
    assert client.get(url).status_code == 404
    assert api_post(client, url, BODY).status_code == 404
    decide = f"/api/v1/exceptional-circumstances/{made.pk}/decision/"
    assert api_post(client, decide, {"approve": True}).status_code == 404
    assert ExceptionalCircumstance.objects.count() == 1


def test_api_is_in_the_openapi_document(client, world):
    client.force_login(world.worker)
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()[
        "paths"
    ]
    assert "/api/v1/cases/{case_id}/exceptional-circumstances/" in paths
    assert "/api/v1/exceptional-circumstances/pending/" in paths
    assert "/api/v1/exceptional-circumstances/{record_id}/decision/" in paths


def test_access_lists_only_what_the_supervisor_may_decide(world):
    mine = record(world, actor=world.boss)
    theirs = record(world)
    assert list(access.awaiting_decision(world.boss)) == [theirs]
    assert list(access.awaiting_decision(world.worker)) == []
    assert mine.status == "pending"


# --- Approvals expire (AMANA_EXCEPTIONAL_DAYS) -----------------------------------------------


def _approved_days_ago(world: World, days: int) -> ExceptionalCircumstance:
    made = record(world)
    do_approve_exceptional_circumstance(record=made, approve=True, actor=world.boss)
    ExceptionalCircumstance.objects.filter(pk=made.pk).update(
        decided_at=timezone.now() - timedelta(days=days)
    )
    return made


def test_an_approval_from_three_days_ago_still_counts(world):
    _approved_days_ago(world, 3)
    decided = decide_referral(world.case, REFERRAL, TODAY)
    decision, _ref = decided.explained, decided.protocol
    assert decision["decision"] == "allow", decision["reasons"]


def test_denied_twin_an_approval_from_ten_days_ago_has_lapsed(world):
    _approved_days_ago(world, 10)
    assert request(world)["exceptional"] is None
    decided = decide_referral(world.case, REFERRAL, TODAY)
    decision, _ref = decided.explained, decided.protocol
    assert decision["decision"] == "deny"
    assert "exceptional.no_risk_assessment" in _codes(decision)


def test_the_period_is_a_setting(world, settings):
    _approved_days_ago(world, 10)
    settings.AMANA_EXCEPTIONAL_DAYS = 14
    assert request(world)["exceptional"] is not None
    settings.AMANA_EXCEPTIONAL_DAYS = 9
    assert request(world)["exceptional"] is None


def test_the_setting_is_read_from_the_environment(tmp_path):
    from amana.config import ConfigError, load

    base = {"AMANA_ENV": "test", "AMANA_VAR_DIR": str(tmp_path)}
    assert load(base).exceptional_days == 7
    assert load(base | {"AMANA_EXCEPTIONAL_DAYS": "3"}).exceptional_days == 3
    for bad in ("0", "-1", "week"):
        with pytest.raises(ConfigError, match="AMANA_EXCEPTIONAL_DAYS"):
            load(base | {"AMANA_EXCEPTIONAL_DAYS": bad})
