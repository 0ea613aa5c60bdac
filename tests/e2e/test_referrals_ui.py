"""Referrals in a real browser (issue 5): an NGO caseworker refers a child to UNHCR for
resettlement consideration and the preview holds the incident narrative back; the UNHCR officer
sees only the packet and accepts, which opens UNHCR's own case from the packet for the officer
to work; the NGO sees "Accepted" and cannot open that case; a referral labelled "GBV" reaches the
livelihoods partner as "high priority"; and when the caregiver withdraws consent (recorded on
the consent page) the pending referral is revoked and the partner is told. A preview refused
for its input (a ticked summary left empty) shows why, in place."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from amana.accounts.roles import Role
from amana.consent.actions import do_record_consent
from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import load_protocol_file
from amana.referrals.models import Referral
from tests.cases.helpers import register
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AgencyFactory, UserFactory

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect
CASE_URL = re.compile(r".*/cases/[0-9a-f-]{36}/(#referrals)?$")
PACKET_URL = re.compile(r".*/referrals/[0-9a-f-]{36}/$")
SUMMARY = "Needs a resettlement assessment; the family is under threat."
NARRATIVE = "What happened at the border crossing in March."
LIVELIHOODS_SUMMARY = "The mother needs an income to keep the child in school."
WRITE_IT = "Write it, or untick it in “What to send”."


@pytest.fixture
def world(transactional_db):
    """The demo protocol; NGO C (ngo-psy) refers, UNHCR and NGO B (ngo-livelihoods) receive.
    The caregiver's consent and the child's assent for referral now, to both, are on record."""
    load_protocol_file(str(demo_protocol_path()), actor=None)
    sender = AgencyFactory(slug="ngo-psy", name="NGO C", case_prefix="NGC")
    unhcr = AgencyFactory(slug="unhcr", name="UNHCR", case_prefix="UNH")
    livelihoods = AgencyFactory(slug="ngo-livelihoods", name="NGO B", case_prefix="NGB")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=sender, username="worker.psy")
    officer = UserFactory(roles=[Role.CASEWORKER], agency=unhcr, username="officer.unhcr")
    partner = UserFactory(roles=[Role.CASEWORKER], agency=livelihoods, username="worker.b")
    case = register(worker, name="Nour Haddad", individual_id="945-1234")
    for given_by, kind in (("caregiver", "consent"), ("child", "assent")):
        do_record_consent(
            case=case,
            given_by=given_by,
            kind=kind,
            purposes=["referral_immediate"],
            recipients=["unhcr", "ngo-livelihoods"],
            stage="intake",
            method="written",
            language="en",
            given_on=timezone.localdate(),
            actor=worker,
        )
    return worker, officer, partner, case


def _start_referral(page, case, service: str) -> None:
    page.goto(f"/cases/{case.pk}/")
    page.locator("#referrals").get_by_role("link", name="Refer").click()
    page.wait_for_url(f"**/referrals/cases/{case.pk}/new/")
    page.get_by_role("link", name=service).click()
    page.wait_for_url("**/new/?service=*")


def _preview(page) -> None:
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#decision")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True  # the panel is refreshed in place


def _send(page) -> None:
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(CASE_URL)
    assert "Referral sent to" in page.locator(".messages").inner_text()


def _referral_row(page, service: str):
    return page.locator("#referrals table.referral-list tbody tr", has_text=service)


def test_refer_accept_relabel_and_revoke_after_withdrawal(new_page, world):
    worker, officer, partner, case = world
    ngo, unhcr, livelihoods = new_page(), new_page(), new_page()
    log_in(ngo, worker.username, PASSWORD)
    log_in(unhcr, officer.username, PASSWORD)
    log_in(livelihoods, partner.username, PASSWORD)

    # 1. The NGO caseworker refers the child to UNHCR; the preview holds the narrative back.
    _start_referral(ngo, case, "Resettlement consideration")
    ngo.get_by_role("checkbox", name="Incident narrative", exact=True).check()
    ngo.locator("#id_referral_summary").fill(SUMMARY)
    ngo.locator("#id_incident_narrative").fill(NARRATIVE)
    _preview(ngo)
    decision = ngo.locator("#decision")
    expect(decision.get_by_role("heading", level=2)).to_have_text(
        "Preview — this is what will be sent"
    )
    going = decision.locator("dl.referral-values").inner_text()
    assert "Referral summary" in going and SUMMARY in going and "Nour Haddad" in going
    held_back = decision.locator("ul.withhold-list li")
    expect(held_back).to_have_count(1)
    held = held_back.inner_text()
    assert "Incident narrative" in held and "elements.not_agreed" not in held
    # The protocol's codes are kept for focal points under a collapsed "Technical details".
    assert "elements.not_agreed" in decision.locator(".technical-details").text_content()
    reason = held.split("—", 1)[1].strip()
    assert reason, "the held-back narrative comes with a reason in words"
    assert NARRATIVE not in decision.inner_text()
    _send(ngo)
    row = _referral_row(ngo, "Resettlement consideration")
    expect(row.locator(".referral-status")).to_have_text("Pending")
    assert "UNHCR" in row.inner_text()

    # 2. The UNHCR officer opens the packet from the inbox: the summary, never the narrative
    # nor the case; and accepts.
    unhcr.goto("/cases/")
    unhcr.get_by_role("navigation").get_by_role("link", name="Referrals").first.click()
    unhcr.wait_for_url("**/referrals/inbox/")
    listed = unhcr.locator("table.referral-list tbody tr")
    expect(listed).to_have_count(1)
    assert "NGO C" in listed.inner_text() and "Resettlement consideration" in listed.inner_text()
    listed.get_by_role("link").first.click()
    unhcr.wait_for_url(PACKET_URL)
    packet_url = unhcr.url
    details = unhcr.locator("section", has=unhcr.locator("#packet-heading")).inner_text()
    assert SUMMARY in details and "Nour Haddad" in details and "945-1234" in details
    assert NARRATIVE not in unhcr.content() and "Incident narrative" not in details
    assert f"/cases/{case.pk}" not in unhcr.content()
    response = unhcr.goto(f"/cases/{case.pk}/")
    assert response.status == 404
    assert "Case not found" in unhcr.get_by_role("heading", level=1).inner_text()
    assert "Nour Haddad" not in unhcr.content()
    unhcr.goto(packet_url)
    answer = unhcr.locator("#answer-heading").locator("..")
    expect(answer.get_by_label("Open a new case from the packet")).to_be_checked()
    unhcr.get_by_role("button", name="Accept").click()

    # 2b. Accepting opened UNHCR's own case from the packet: the officer works it from there
    # (its first task, the initial assessment, is theirs); the NGO cannot open it.
    unhcr.wait_for_url(CASE_URL)
    new_case_url = unhcr.url
    assert "this is the case your agency works it from" in unhcr.locator(".messages").inner_text()
    assert "Nour Haddad" in unhcr.content() and "UNH-" in unhcr.content()
    assert new_case_url.split("/cases/", 1)[1] != f"{case.pk}/"
    unhcr.get_by_role("link", name="Consent and assent records").click()
    unhcr.wait_for_url("**/consent/cases/*/")
    assert unhcr.locator("#record-consent").count() == 1
    unhcr.goto(packet_url)
    expect(unhcr.locator(".referral-status")).to_have_text("Accepted")
    expect(unhcr.get_by_role("button", name="Accept")).to_have_count(0)
    expect(unhcr.locator("a.own-case")).to_contain_text("UNH-")
    assert ngo.goto(new_case_url).status == 404

    # 3. The NGO sees the answer on the case page.
    ngo.goto(f"/cases/{case.pk}/")
    row = _referral_row(ngo, "Resettlement consideration")
    expect(row.locator(".referral-status")).to_have_text("Accepted")

    # 4. A referral labelled "GBV" reaches the livelihoods partner as "high priority".
    _start_referral(ngo, case, "Livelihoods")
    ngo.locator("#id_referral_summary").fill(LIVELIHOODS_SUMMARY)
    ngo.get_by_label("Label the recipient will see").fill("GBV")
    _preview(ngo)
    expect(ngo.locator("#decision .referral-label")).to_have_text("high priority")
    _send(ngo)
    row = _referral_row(ngo, "Livelihoods")
    expect(row.locator(".referral-status")).to_have_text("Pending")
    livelihoods.goto("/referrals/inbox/")
    listed = livelihoods.locator("table.referral-list tbody tr")
    expect(listed).to_have_count(1)
    assert "high priority" in listed.inner_text() and "Livelihoods" in listed.inner_text()
    assert "GBV" not in livelihoods.content()
    listed.get_by_role("link").first.click()
    livelihoods.wait_for_url(PACKET_URL)
    livelihood_packet = livelihoods.url
    assert "high priority" in livelihoods.content() and "GBV" not in livelihoods.content()
    assert LIVELIHOODS_SUMMARY in livelihoods.content() and SUMMARY not in livelihoods.content()

    # 5. The caregiver withdraws consent for referrals to NGO B, recorded on the consent page:
    # the pending referral is revoked, and NGO B is told instead of still holding the packet.
    ngo.goto(f"/cases/{case.pk}/")
    ngo.get_by_role("link", name="Consent and assent records").click()
    ngo.wait_for_url(f"**/consent/cases/{case.pk}/")
    form = ngo.locator("#record-consent")
    form.get_by_label("Caregiver", exact=True).check()
    form.get_by_label("Withdrawal", exact=True).check()
    form.get_by_label("Referral to a service now", exact=True).check()
    form.get_by_label("NGO B (livelihoods)", exact=True).check()
    form.get_by_label("How it was given").select_option("oral")
    form.get_by_label("Notes").fill("Told us at the office she no longer wants this referral.")
    form.get_by_role("button", name="Record").click()
    ngo.wait_for_url(re.compile(r".*/consent/cases/[0-9a-f-]{36}/#record-[0-9a-f-]{36}$"))
    assert "Recorded: Withdrawal" in ngo.locator(".messages").inner_text()
    ngo.get_by_role("link", name="Back to the case").click()
    ngo.wait_for_url(CASE_URL)
    expect(_referral_row(ngo, "Livelihoods").locator(".referral-status")).to_have_text("Revoked")
    expect(
        _referral_row(ngo, "Resettlement consideration").locator(".referral-status")
    ).to_have_text("Accepted")

    livelihoods.goto("/referrals/inbox/")
    expect(livelihoods.locator("table.referral-list")).to_have_count(0)
    assert "No referral is waiting for an answer." in livelihoods.content()
    notices = livelihoods.locator(".referral-notices").inner_text()
    assert "Consent was withdrawn" in notices and "NGO C" in notices
    assert "The referral is revoked" in notices
    livelihoods.goto("/referrals/inbox/?show=all")
    assert livelihood_packet.split("/referrals/", 1)[1] not in livelihoods.content()
    assert livelihoods.goto(livelihood_packet).status == 404
    assert LIVELIHOODS_SUMMARY not in livelihoods.content()

    statuses = dict(Referral.objects.values_list("service", "status"))
    assert statuses == {"resettlement_consideration": "accepted", "livelihoods": "revoked"}
    for page in (ngo, unhcr, livelihoods):
        assert page.console_errors == []


def test_a_refused_preview_shows_its_error_in_place(new_page, world):
    """The referral summary is ticked but left empty: the preview is answered 400 with the
    form's errors, and htmx swaps them in, so the caseworker sees what to write."""
    worker, _officer, _partner, case = world
    ngo = new_page()
    log_in(ngo, worker.username, PASSWORD)
    _start_referral(ngo, case, "Resettlement consideration")
    ngo.get_by_role("checkbox", name="Referral summary", exact=True).check()
    expect(ngo.locator("#id_referral_summary")).to_have_value("")
    ngo.evaluate("window.notReloaded = true")
    with ngo.expect_response(lambda r: r.request.method == "POST") as answer:
        ngo.get_by_role("button", name="Preview").click()
    assert answer.value.status == 400
    summary = ngo.locator(".field", has=ngo.locator("#id_referral_summary"))
    expect(summary.get_by_text(WRITE_IT)).to_be_visible()
    expect(ngo.locator("#decision")).to_have_count(0)
    assert ngo.evaluate("window.notReloaded") is True  # the panel is refreshed in place
    assert Referral.objects.count() == 0
