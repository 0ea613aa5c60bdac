"""Referral pages: preview what goes and what stays, send (decided again), the recipient's
inbox and packet — never the case — and the answer flowing back to the case page."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.cases.models import Case
from amana.consent.actions import do_record_consent
from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import load_protocol_file
from amana.referrals.actions import ReferralInput, do_send_referral
from amana.referrals.models import Referral
from amana.sharing.models import LedgerEntry
from tests.cases.helpers import register
from tests.core.pages import csp_violations
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    worker: User
    officer: User
    bystander: User
    im_officer: User
    case: Case


def make_world() -> World:
    """NGO C refers a child to UNHCR under the demo protocol; NGO B is a bystander."""
    load_protocol_file(str(demo_protocol_path()), actor=None)
    sender = AgencyFactory(slug="ngo-psy", name="NGO C", case_prefix="NGC")
    unhcr = AgencyFactory(slug="unhcr", name="UNHCR", case_prefix="UNH")
    livelihoods = AgencyFactory(slug="ngo-livelihoods", name="NGO B", case_prefix="NGB")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=sender, username="worker.psy")
    officer = UserFactory(roles=[Role.CASEWORKER], agency=unhcr, username="officer.unhcr")
    bystander = UserFactory(roles=[Role.CASEWORKER], agency=livelihoods, username="worker.b")
    im_officer = UserFactory(roles=[Role.IM_OFFICER], agency=unhcr, username="im.unhcr")
    case = register(worker, name="Nour Haddad", individual_id="945-1234")
    return World(worker, officer, bystander, im_officer, case)


def give_consent(
    world: World, recipient: str = "unhcr", purpose: str = "referral_immediate"
) -> None:
    """The caregiver consents and the child assents, through the real write path."""
    for given_by, kind in (("caregiver", "consent"), ("child", "assent")):
        do_record_consent(
            case=world.case,
            given_by=given_by,
            kind=kind,
            purposes=[purpose],
            recipients=[recipient],
            stage="intake",
            method="written",
            language="en",
            given_on=timezone.localdate(),
            actor=world.worker,
        )


def send(world: World, **changes: object) -> Referral:
    data = {
        "recipient": "unhcr",
        "service": "resettlement_consideration",
        "legal_basis": "consent",
        "elements": ["full_name", "individual_id", "referral_summary"],
        "written": {"referral_summary": "Needs resettlement assessment."},
    } | changes
    referral = do_send_referral(
        case=world.case, data=ReferralInput(**data), actor=world.worker
    ).referral
    assert referral is not None
    return referral


@pytest.fixture
def world() -> World:
    return make_world()


def refer_url(world: World) -> str:
    return f"/referrals/cases/{world.case.pk}/new/"


FORM = {
    "service": "resettlement_consideration",
    "elements": ["full_name", "individual_id", "referral_summary"],
    "referral_summary": "Needs resettlement assessment.",
    "legal_basis": "consent",
    "label": "",
    "contact_method": "phone",
}


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- Refer ----------------------------------------------------------------------------------


def test_refer_page_lists_the_protocols_services_with_their_providers(client, world):
    page = logged_in(client, world.worker).get(refer_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "?service=resettlement_consideration" in html and "UNHCR" in html
    assert "NGO B (livelihoods)" in html
    assert csp_violations(page.content) == []


def test_choosing_a_service_preselects_its_agreed_elements(client, world):
    page = logged_in(client, world.worker).get(
        refer_url(world) + "?service=resettlement_consideration"
    )
    form = page.context["form"]
    assert form.initial["service"] == "resettlement_consideration"
    assert "referral_summary" in form.initial["elements"]
    assert "incident_narrative" not in form.initial["elements"]
    assert 'name="incident_narrative"' in page.content.decode()


def test_preview_shows_what_goes_with_values_and_what_stays_with_why(client, world):
    give_consent(world)
    asked = FORM | {
        "step": "preview",
        "elements": [*FORM["elements"], "incident_narrative"],
        "incident_narrative": "What happened at the border.",
    }
    page = logged_in(client, world.worker).post(refer_url(world), asked)
    assert page.status_code == 200
    decision = page.context["decision"]
    assert decision["decision"] == "allow"
    assert decision["share"] == ["full_name", "individual_id", "referral_summary"]
    withheld = {w["element"]: w["code"] for w in decision["withhold"]}
    assert withheld == {"incident_narrative": "elements.not_agreed"}
    html = page.content.decode()
    assert "Nour Haddad" in html and "945-1234" in html and "Needs resettlement" in html
    assert "Held back" in html and "elements.not_agreed" in html
    assert (
        "What happened at the border." not in html.split('id="decision"')[1].split("</section>")[0]
    )
    assert not Referral.objects.exists() and not LedgerEntry.objects.exists()
    assert csp_violations(page.content) == []


def test_preview_by_htmx_answers_with_the_panel_only(client, world):
    give_consent(world)
    page = logged_in(client, world.worker).post(
        refer_url(world), FORM | {"step": "preview"}, HTTP_HX_REQUEST="true"
    )
    html = page.content.decode()
    assert html.lstrip().startswith('<div id="referral-panel">') and "<html" not in html


def test_preview_without_consent_says_no_and_why(client, world):
    page = logged_in(client, world.worker).post(refer_url(world), FORM | {"step": "preview"})
    assert page.context["decision"]["decision"] == "deny"
    assert "consent.missing" in page.content.decode()


def test_stigmatising_label_is_previewed_neutral(client, world):
    give_consent(world)
    page = logged_in(client, world.worker).post(
        refer_url(world), FORM | {"step": "preview", "label": "GBV"}
    )
    assert page.context["decision"]["label"] == "high priority"
    assert "high priority" in page.content.decode()


def test_send_creates_the_packet_and_returns_to_the_case(client, world):
    give_consent(world)
    response = logged_in(client, world.worker).post(refer_url(world), FORM | {"step": "send"})
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{world.case.pk}/#referrals"
    referral = Referral.objects.get()
    assert referral.recipient.slug == "unhcr" and referral.status == "pending"
    assert json.loads(referral.packet) == {
        "full_name": "Nour Haddad",
        "individual_id": "945-1234",
        "referral_summary": "Needs resettlement assessment.",
    }
    case_page = client.get(f"/cases/{world.case.pk}/")
    html = case_page.content.decode()
    assert 'id="referrals"' in html and "Resettlement consideration" in html
    assert "Pending" in html and f"/referrals/cases/{world.case.pk}/new/" in html


def test_send_decides_again_and_a_refusal_shows_why(client, world):
    page = logged_in(client, world.worker).post(refer_url(world), FORM | {"step": "send"})
    assert page.status_code == 200
    assert page.context["refused"] and page.context["decision"]["decision"] == "deny"
    assert "consent.missing" in page.content.decode() and "Not sent" in page.content.decode()
    assert not Referral.objects.exists()
    assert LedgerEntry.objects.get().decision == "deny"


def test_a_written_element_without_its_text_is_an_error_on_that_field(client, world):
    page = logged_in(client, world.worker).post(
        refer_url(world), FORM | {"step": "preview", "referral_summary": " "}
    )
    assert page.status_code == 400 and "referral_summary" in page.context["form"].errors


def test_bad_element_or_service_is_a_field_error(client, world):
    client = logged_in(client, world.worker)
    page = client.post(refer_url(world), FORM | {"step": "send", "elements": ["soul"]})
    assert page.status_code == 400 and "elements" in page.context["form"].errors
    page = client.post(refer_url(world), FORM | {"step": "send", "service": "cash"})
    assert page.status_code == 400 and "service" in page.context["form"].errors
    assert not LedgerEntry.objects.exists()


def test_outsiders_cannot_refer_the_case(client, world):
    give_consent(world)
    colleague = UserFactory(roles=[Role.CASEWORKER], agency=world.case.agency)
    for outsider in (world.officer, world.bystander, colleague):
        client = logged_in(Client(), outsider)
        assert client.get(refer_url(world)).status_code == 404
        assert client.post(refer_url(world), FORM | {"step": "send"}).status_code == 404
    assert not LedgerEntry.objects.exists() and not Referral.objects.exists()


def test_without_the_send_permission_referring_is_forbidden(client, world):
    give_consent(world)
    supervisor_only = UserFactory(roles=[Role.IM_OFFICER], agency=world.case.agency)
    world.case.supervisor = supervisor_only
    world.case.save()
    client = logged_in(client, supervisor_only)
    assert client.get(refer_url(world)).status_code == 403
    assert client.post(refer_url(world), FORM | {"step": "send"}).status_code == 403
    assert not LedgerEntry.objects.exists()


def test_the_send_form_needs_its_csrf_token(world):
    give_consent(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.worker)
    assert client.post(refer_url(world), FORM | {"step": "send"}).status_code == 403
    assert not LedgerEntry.objects.exists()
    page = client.get(refer_url(world) + "?service=resettlement_consideration")
    token = str(page.context["csrf_token"])
    elements = ["full_name", "referral_summary"]
    sent = client.post(
        refer_url(world),
        FORM | {"step": "send", "elements": elements, "csrfmiddlewaretoken": token},
    )
    assert sent.status_code == 302 and Referral.objects.count() == 1


# --- The recipient --------------------------------------------------------------------------


def test_inbox_lists_pending_referrals_to_my_agency(client, world):
    give_consent(world)
    referral = send(world, label="GBV")
    page = logged_in(client, world.officer).get("/referrals/inbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/referrals/{referral.pk}/" in html and "NGO C" in html
    assert "high priority" in html and "Resettlement consideration" in html
    assert "Nour Haddad" not in html
    assert 'href="/referrals/inbox/"' in html  # the main navigation
    assert csp_violations(page.content) == []


def test_overdue_referrals_are_flagged(client, world):
    give_consent(world)
    referral = send(world)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timezone.timedelta(days=30)
    )
    page = logged_in(client, world.officer).get("/referrals/inbox/")
    assert page.context["rows"][0]["overdue"] and "overdue" in page.content.decode()


def test_inbox_of_another_agency_is_empty_and_without_permission_forbidden(client, world):
    give_consent(world)
    referral = send(world)
    page = logged_in(client, world.bystander).get("/referrals/inbox/?show=all")
    assert page.status_code == 200 and str(referral.pk) not in page.content.decode()
    page = logged_in(Client(), world.im_officer).get("/referrals/inbox/")
    assert page.status_code == 403
    assert 'href="/referrals/inbox/"' not in page.content.decode()


def test_recipient_sees_the_packet_never_the_case(client, world):
    give_consent(world)
    referral = send(world)
    client = logged_in(client, world.officer)
    page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nour Haddad" in html and "945-1234" in html and "Needs resettlement" in html
    assert 'value="accept"' in html and 'name="reason"' in html
    assert f"/cases/{world.case.pk}" not in html
    assert AuditEntry.objects.filter(action="referral.view", object_id=str(referral.pk)).exists()
    assert client.get(f"/cases/{world.case.pk}/").status_code == 404
    assert client.get(f"/consent/cases/{world.case.pk}/").status_code == 404
    assert csp_violations(page.content) == []


def test_other_agency_and_the_sender_get_not_found_for_the_packet(client, world):
    give_consent(world)
    referral = send(world)
    for user in (world.bystander, world.worker, world.im_officer):
        other = logged_in(Client(), user)
        assert other.get(f"/referrals/{referral.pk}/").status_code == 404
        answer = other.post(f"/referrals/{referral.pk}/respond/", {"answer": "accept"})
        assert answer.status_code == 404
    assert Referral.objects.get().status == "pending"
    unknown = "/referrals/00000000-0000-4000-8000-000000000001/"
    assert logged_in(client, world.officer).get(unknown).status_code == 404


def test_accept_flows_back_to_the_case_page(client, world):
    give_consent(world)
    referral = send(world)
    response = logged_in(client, world.officer).post(
        f"/referrals/{referral.pk}/respond/", {"answer": "accept"}
    )
    answered = Referral.objects.get()
    assert answered.status == "accepted"
    # Accepting opens the recipient's own case from the packet, and goes there.
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{answered.received_case_id}/"
    after = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Accepted" in after and 'value="accept"' not in after
    case_page = logged_in(Client(), world.worker).get(f"/cases/{world.case.pk}/")
    assert "Accepted" in case_page.content.decode()


def test_reject_needs_a_reason_which_stays_with_the_recipient(client, world):
    give_consent(world)
    referral = send(world)
    client = logged_in(client, world.officer)
    page = client.post(f"/referrals/{referral.pk}/respond/", {"answer": "reject", "reason": " "})
    assert page.status_code == 400 and "reason" in page.context["form"].errors
    assert Referral.objects.get().status == "pending"
    done = client.post(
        f"/referrals/{referral.pk}/respond/",
        {"answer": "reject", "reason": "Outside our criteria this year."},
    )
    assert done.status_code == 302 and Referral.objects.get().status == "rejected"
    case_page = logged_in(Client(), world.worker).get(f"/cases/{world.case.pk}/")
    html = case_page.content.decode()
    assert "Rejected" in html and "Outside our criteria" not in html


def test_an_answered_referral_cannot_be_answered_again(client, world):
    give_consent(world)
    referral = send(world)
    client = logged_in(client, world.officer)
    client.post(f"/referrals/{referral.pk}/respond/", {"answer": "accept"})
    again = client.post(f"/referrals/{referral.pk}/respond/", {"answer": "reject", "reason": "x"})
    assert again.status_code == 400 and Referral.objects.get().status == "accepted"


def test_pages_work_right_to_left(client, world):
    give_consent(world)
    referral = send(world)
    client = logged_in(client, world.officer)
    client.cookies["django_language"] = "ar"
    page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200 and 'dir="rtl"' in page.content.decode()


def withdraw_consent(world: World) -> None:
    do_record_consent(
        case=world.case,
        given_by="caregiver",
        kind="withdrawal",
        purposes=[],
        recipients=[],
        stage="other",
        method="oral",
        language="en",
        given_on=timezone.localdate(),
        actor=world.worker,
    )


def test_withdrawal_revokes_and_the_recipient_is_told(client, world):
    give_consent(world)
    referral = send(world)
    withdraw_consent(world)
    officer = logged_in(client, world.officer)
    page = officer.get("/referrals/inbox/")
    html = page.content.decode()
    assert "Consent was withdrawn" in html and "NGO C" in html
    assert f"/referrals/{referral.pk}/" not in html  # the packet is gone, the notice stays
    assert officer.get(f"/referrals/{referral.pk}/").status_code == 404
    notice = page.context["notices"][0]
    assert (
        logged_in(Client(), world.bystander)
        .post(f"/referrals/notices/{notice.pk}/read/")
        .status_code
        == 404
    )
    assert officer.post(f"/referrals/notices/{notice.pk}/read/").status_code == 302
    assert "Mark as read" not in officer.get("/referrals/inbox/").content.decode()
    case_page = logged_in(Client(), world.worker).get(f"/cases/{world.case.pk}/")
    assert "Revoked" in case_page.content.decode()


def test_service_feedback_goes_back_only_with_consent(client, world):
    give_consent(world)
    referral = send(world)
    officer = logged_in(client, world.officer)
    officer.post(f"/referrals/{referral.pk}/respond/", {"answer": "accept"})
    feedback = {"service_status": "provided", "date": timezone.localdate().isoformat()}
    refused = officer.post(f"/referrals/{referral.pk}/feedback/", feedback)
    assert refused.status_code == 200 and "Not sent" in refused.content.decode()
    assert not Referral.objects.get().service_feedback
    give_consent(world, recipient="ngo-psy", purpose="feedback_service")
    sent = officer.post(f"/referrals/{referral.pk}/feedback/", feedback)
    assert sent.status_code == 302
    case_page = logged_in(Client(), world.worker).get(f"/cases/{world.case.pk}/")
    html = case_page.content.decode()
    assert "Service provided" in html and "sharing ledger" in html


def test_service_feedback_needs_an_accepted_referral_and_a_valid_date(client, world):
    give_consent(world)
    referral = send(world)
    officer = logged_in(client, world.officer)
    early = officer.post(
        f"/referrals/{referral.pk}/feedback/",
        {"service_status": "provided", "date": timezone.localdate().isoformat()},
    )
    assert early.status_code == 400
    officer.post(f"/referrals/{referral.pk}/respond/", {"answer": "accept"})
    bad = officer.post(
        f"/referrals/{referral.pk}/feedback/", {"service_status": "provided", "date": "soon"}
    )
    assert bad.status_code == 400 and "date" in bad.context["feedback_form"].errors
    outsider = logged_in(Client(), world.bystander)
    assert outsider.post(f"/referrals/{referral.pk}/feedback/", {}).status_code == 404


def test_the_case_page_shows_the_ledger_with_refused_attempts(client, world):
    response = logged_in(client, world.worker).post(refer_url(world), FORM | {"step": "send"})
    assert response.status_code == 200
    case_page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "sharing ledger" in case_page and "Refused" in case_page and "UNHCR" in case_page


# --- Review of issue 5: errors shown, wording, dead ends -----------------------------------


def _refuse_to_decide(monkeypatch) -> None:
    from amana.accounts.errors import ActionError

    def refuse(*args, **kwargs):
        raise ActionError("age", "Record the child's date of birth before sharing.")

    monkeypatch.setattr("amana.referrals.views.common.decide_referral", refuse)


def test_a_preview_the_check_refuses_is_a_400_showing_the_error(client, world, monkeypatch):
    _refuse_to_decide(monkeypatch)
    client = logged_in(client, world.worker)
    page = client.post(refer_url(world), FORM | {"step": "preview"}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert page.status_code == 400 and "decision" not in page.context
    assert html.lstrip().startswith('<div id="referral-panel">')
    assert "Record the child&#x27;s date of birth before sharing." in html
    assert 'role="alert"' in html and not LedgerEntry.objects.exists()
    full = client.post(refer_url(world), FORM | {"step": "preview"})
    assert full.status_code == 400 and "date of birth" in full.content.decode()


def test_a_preview_the_check_takes_is_200_without_errors(client, world):
    page = logged_in(client, world.worker).post(
        refer_url(world), FORM | {"step": "preview"}, HTTP_HX_REQUEST="true"
    )
    assert page.status_code == 200 and 'role="alert"' not in page.content.decode()


def test_htmx_swaps_field_errors_in_but_not_other_errors(client, world):
    """htmx 2 leaves 4xx answers unswapped unless told: 400/409/422 carry a form to show."""
    html = logged_in(client, world.worker).get(refer_url(world)).content.decode()
    config = json.loads(html.split('name="htmx-config" content=\'')[1].split("'")[0])
    handling = config["responseHandling"]
    assert handling[0] == {"code": "204", "swap": False}
    swapped = {"code": "^4(00|09|22)$", "swap": True, "error": False}
    assert swapped in handling
    assert handling[-1] == {"code": "[45]..", "swap": False, "error": True}
    assert handling.index(swapped) < len(handling) - 1
    assert config["allowEval"] is False and config["selfRequestsOnly"] is True


def test_the_preview_shows_labels_and_keeps_the_codes_in_technical_details(client, world):
    give_consent(world)
    asked = FORM | {
        "step": "preview",
        "elements": [*FORM["elements"], "incident_narrative"],
        "incident_narrative": "What happened.",
    }
    html = logged_in(client, world.worker).post(refer_url(world), asked).content.decode()
    decision = html.split('id="decision"')[1].split("</section>")[0]
    shown, details = decision.split('<details class="technical-details">')
    assert "Full name" in shown and "Incident narrative" in shown
    assert "<code>" not in shown and "full_name" not in shown
    assert "elements.not_agreed" not in shown
    assert "Technical details" in details
    assert "<code>full_name</code>" in details and "<code>elements.not_agreed</code>" in details


def test_the_refused_preview_shows_reason_codes_only_in_technical_details(client, world):
    html = (
        logged_in(client, world.worker)
        .post(refer_url(world), FORM | {"step": "preview"})
        .content.decode()
    )
    shown, details = html.split('id="decision"')[1].split('<details class="technical-details">')
    assert "consent.missing" not in shown and "<code>consent.missing</code>" in details


def test_the_preview_warns_of_a_phone_contact_without_a_phone_number(client, world):
    give_consent(world)
    page = logged_in(client, world.worker).post(refer_url(world), FORM | {"step": "preview"})
    assert page.context["decision"]["contact_warning"]
    assert "The recipient will have no phone number" in page.content.decode()


def test_no_phone_warning_for_another_contact_method(client, world):
    give_consent(world)
    asked = FORM | {"step": "preview", "contact_method": "in_person_at_office"}
    page = logged_in(client, world.worker).post(refer_url(world), asked)
    assert page.context["decision"]["contact_warning"] == ""
    assert "no phone number" not in page.content.decode()


def test_the_refer_page_shows_the_protocol_once(client, world):
    html = logged_in(client, world.worker).get(refer_url(world)).content.decode()
    assert html.count("protocol-status") == 1 and "Protocol in force" in html
    assert "(version" not in html and "Interim individual sharing" not in html


def test_a_revoked_referral_says_so_and_nothing_more(client, world):
    give_consent(world)
    referral = send(world)
    withdraw_consent(world)
    page = logged_in(client, world.officer).get(f"/referrals/{referral.pk}/")
    html = page.content.decode()
    assert page.status_code == 404
    assert "This referral is not available to you." in html and "revoked" in html
    assert "ask its supervisor" not in html and "Nour Haddad" not in html
    assert "NGO C" not in html and "Resettlement" not in html
    # Never addressed to them, or revoked: the same page, so it reveals nothing.
    other = logged_in(Client(), world.bystander).get(f"/referrals/{referral.pk}/")
    assert other.status_code == 404
    assert "This referral is not available to you." in other.content.decode()


def test_a_pending_referral_packet_still_opens(client, world):
    give_consent(world)
    referral = send(world)
    page = logged_in(client, world.officer).get(f"/referrals/{referral.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "not available to you" not in html
    assert "The case itself stays with them." in html
    assert f'<bdi dir="ltr">{timezone.localtime(referral.sent_at):%Y-%m-%d}</bdi>' in html


def test_a_case_not_found_keeps_the_case_page(client, world):
    page = logged_in(client, world.bystander).get(refer_url(world))
    assert page.status_code == 404 and "Case not found" in page.content.decode()


def test_the_inbox_hides_a_zero_overdue_count(client, world):
    give_consent(world)
    send(world)
    page = logged_in(client, world.officer).get("/referrals/inbox/")
    assert page.context["can_send"] and page.context["sent_overdue"] == 0
    assert "Sent by your agency and overdue" not in page.content.decode()


def test_the_inbox_shows_a_nonzero_overdue_count(client, world):
    give_consent(world)
    referral = send(world)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timezone.timedelta(days=30)
    )
    html = logged_in(client, world.worker).get("/referrals/inbox/").content.decode()
    assert "Sent by your agency and overdue: 1" in html


def test_inbox_rows_link_the_service_to_the_packet(client, world):
    give_consent(world)
    referral = send(world)
    html = logged_in(client, world.officer).get("/referrals/inbox/").content.decode()
    link = f'<a href="/referrals/{referral.pk}/">Resettlement consideration</a>'
    assert link in html
    assert html.count(f'href="/referrals/{referral.pk}/"') == 2
    other = logged_in(Client(), world.bystander).get("/referrals/inbox/").content.decode()
    assert f"/referrals/{referral.pk}/" not in other


def test_referral_dates_are_isolated_left_to_right(client, world):
    give_consent(world)
    referral = send(world)
    client = logged_in(client, world.officer)
    client.cookies["django_language"] = "ar"
    html = client.get("/referrals/inbox/").content.decode()
    assert 'dir="rtl"' in html
    day = f"{timezone.localtime(referral.sent_at):%Y-%m-%d}"
    assert f'<bdi dir="ltr">{day} ' in html
    case_page = logged_in(Client(), world.worker).get(f"/cases/{world.case.pk}/").content
    assert f'<bdi dir="ltr">{day}</bdi></td>' in case_page.decode()
