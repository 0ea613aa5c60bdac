"""Query budgets of the referral pages and API lists: each page costs a fixed number of SQL
queries, the same with a few rows as with three times as many (docs/performance.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from amana.accounts.models import User
from amana.referrals.actions import (
    do_respond_referral,
    do_send_referral,
    do_send_service_feedback,
)
from amana.referrals.models import Referral
from tests.cases.helpers import register
from tests.core.queries import flat, queries, within
from tests.referrals.backend_helpers import REFERRAL, World, agree, make_world, say

pytestmark = pytest.mark.django_db
FEW = 2  # rows shown first; then three times as many

# Budgets: the counts measured on PostgreSQL (docs/performance.md). Every request pays 2 for
# the session and the user (with their agency, roles and two-factor devices); a case page 4
# more for the case and its audited read (the insert in a savepoint of the test's transaction).
REFER_GET = 10  # + the protocol in force (twice: page and base template)
REFER_PREVIEW = 18  # + the decision: consents, exceptional circumstances, the case's facts
TRANSFER_GET = 11  # + the pending transfer check, the protocol in force
TRANSFER_PREVIEW = 21  # + the decision, as the refer preview, with the case file's parts
CLOSED_GET = 10  # as the refer page
INBOX = 7  # + the page, its count, notices, the senders' protocols (one read), overdue
SENT = 7  # + the overdue referrals with sender, recipient and case, their protocols;
# then everything sent: the count, the page, its senders' protocols (one read)
PACKET = 9  # + the referral with its sender, its audited read; pending: the
# duplicate check on the packet's name (two) and the agency's caseworkers for the answer form
CASE_PAGE = 15  # the case page (tests/cases/test_query_budgets.py) with referrals and ledger
API_INBOX = 5  # + the count, the page with senders, their protocols (one read)
API_LEDGER = 9  # + the case read (4), the count, the page with actors, agency names
API_CASE_REFERRALS = 10  # + the case read (4), the count, the page, protocols, feedback
API_OVERDUE = 4  # + the overdue referrals with sender, recipient and case, protocols

REFER_FORM = {
    "service": "resettlement_consideration",
    "elements": ["full_name", "individual_id", "referral_summary"],
    "referral_summary": "Needs resettlement assessment.",
    "legal_basis": "consent",
    "label": "",
    "contact_method": "phone",
}
TRANSFER_FORM = {
    "recipient": "imc",
    "legal_basis": "consent",
    "elements": ["full_name", "date_of_birth", "case_summary", "related_people", "drafts"],
}


@pytest.fixture
def world() -> World:
    world = make_world()
    agree(world, "referral_immediate", "unhcr")
    return world


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(world: World, count: int, *, sender: User | None = None) -> list[Referral]:
    """`count` referrals to UNHCR through the real write path, from the world's case or, for
    another `sender`, from a case of the sender's agency."""
    actor = sender or world.worker
    case = world.case if sender is None else _case_of(world, actor)
    sent = []
    for _ in range(count):
        referral = do_send_referral(case=case, data=REFERRAL, actor=actor).referral
        assert referral is not None
        sent.append(referral)
    return sent


def _case_of(world: World, actor: User) -> object:
    case = register(actor, name="Rania Saleh", individual_id="945-7777")
    for kind, given_by in (("consent", "caregiver"), ("assent", "child")):
        say(
            world,
            purposes=["referral_immediate"],
            recipients=["unhcr"],
            kind=kind,
            given_by=given_by,
            case=case,
            actor=actor,
        )
    return case


def late(referrals: list[Referral]) -> None:
    """Sent a month ago: past the protocol's answer period."""
    month_ago = timezone.now() - timedelta(days=30)
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(sent_at=month_ago)


def answered_with_feedback(world: World, referrals: list[Referral]) -> None:
    """Accepted by UNHCR, which tells the referring agency what was provided."""
    for referral in referrals:
        accepted = do_respond_referral(referral=referral, accept=True, actor=world.officer)
        result = do_send_service_feedback(
            referral=accepted,
            status="provided",
            date=timezone.localdate(),
            outcome_summary="Interviewed; file submitted.",
            actor=world.officer,
        )
        assert result.stored


# --- Pages of the referring agency ----------------------------------------------------------


def test_refer_page_with_a_service_chosen(world):
    client = logged_in(world.worker)
    url = f"/referrals/cases/{world.case.pk}/new/?service=resettlement_consideration"
    send(world, FEW)
    few = queries(lambda: client.get(url))
    send(world, 2 * FEW)
    flat(few, queries(lambda: client.get(url)), REFER_GET, "refer page")


def test_refer_preview(world):
    client = logged_in(world.worker)
    url = f"/referrals/cases/{world.case.pk}/new/"
    form = REFER_FORM | {"step": "preview"}
    send(world, FEW)
    few = queries(lambda: client.post(url, form))
    send(world, 2 * FEW)
    flat(few, queries(lambda: client.post(url, form)), REFER_PREVIEW, "refer preview")
    assert not Referral.objects.filter(status=Referral.Status.ACCEPTED).exists()


def test_transfer_page_and_its_preview(world):
    agree(world, "case_transfer", "imc")
    client = logged_in(world.worker)
    url = f"/referrals/cases/{world.case.pk}/transfer/"
    within(queries(lambda: client.get(url)), TRANSFER_GET, "transfer page")
    preview = queries(lambda: client.post(url, TRANSFER_FORM | {"step": "preview"}))
    within(preview, TRANSFER_PREVIEW, "transfer preview")


def test_closed_case_page(world):
    client = logged_in(world.worker)
    url = f"/referrals/cases/{world.case.pk}/closed/"
    within(queries(lambda: client.get(url)), CLOSED_GET, "closed-case page")


def test_sent_overdue_page(world):
    client = logged_in(world.worker)
    late(send(world, FEW))
    few = queries(lambda: client.get("/referrals/sent/"))
    late(send(world, 2 * FEW))
    many = queries(lambda: client.get("/referrals/sent/"))
    flat(few, many, SENT, "sent (overdue) page")
    assert len(client.get("/referrals/sent/").context["rows"]) == 3 * FEW


def test_sent_list_of_everything_sent(world):
    """The whole "Sent" list, every status, and one status: its cost does not grow with rows."""
    client = logged_in(world.worker)

    def sent_some(count: int) -> None:
        referrals = send(world, count)
        late(referrals[:1])
        do_respond_referral(referral=referrals[-1], accept=False, reason="No.", actor=world.officer)

    sent_some(FEW)
    few = queries(lambda: client.get("/referrals/sent/"))
    few_rejected = queries(lambda: client.get("/referrals/sent/?status=rejected"))
    sent_some(2 * FEW)
    flat(few, queries(lambda: client.get("/referrals/sent/")), SENT, "sent list")
    many_rejected = queries(lambda: client.get("/referrals/sent/?status=rejected"))
    flat(few_rejected, many_rejected, SENT, "sent list, one status")
    page = client.get("/referrals/sent/")
    assert len(page.context["sent_rows"]) == 3 * FEW
    assert len(client.get("/referrals/sent/?status=rejected").context["sent_rows"]) == 2


def test_case_page_referrals_and_ledger(world):
    """The case page with its referrals section: statuses, service feedback, the ledger."""
    agree(world, "feedback_service", "ngo-psy")
    client = logged_in(world.worker)
    url = f"/cases/{world.case.pk}/"
    answered_with_feedback(world, send(world, FEW))
    few = queries(lambda: client.get(url))
    answered_with_feedback(world, send(world, 2 * FEW))
    many = queries(lambda: client.get(url))
    flat(few, many, CASE_PAGE, "case page")
    html = client.get(url).content.decode()
    assert html.count("Interviewed; file submitted.") == 3 * FEW


# --- Pages of the receiving agency ----------------------------------------------------------


def test_recipient_inbox(world):
    """More rows, and from more agencies: the protocol's answer period is read per sender."""
    client = logged_in(world.officer)
    send(world, FEW)
    few = queries(lambda: client.get("/referrals/inbox/"))
    send(world, FEW)
    send(world, FEW, sender=world.imc)
    many = queries(lambda: client.get("/referrals/inbox/"))
    flat(few, many, INBOX, "recipient inbox")
    assert len(client.get("/referrals/inbox/").context["rows"]) == 3 * FEW


def test_packet_page(world):
    client = logged_in(world.officer)
    (referral,) = send(world, 1)
    url = f"/referrals/{referral.pk}/"
    few = queries(lambda: client.get(url))
    send(world, 2)
    flat(few, queries(lambda: client.get(url)), PACKET, "packet page")


# --- The API lists --------------------------------------------------------------------------


def test_api_inbox(world):
    client = logged_in(world.officer)
    send(world, FEW)
    few = queries(lambda: client.get("/api/v1/referrals/inbox"))
    send(world, FEW)
    send(world, FEW, sender=world.imc)
    many = queries(lambda: client.get("/api/v1/referrals/inbox"))
    flat(few, many, API_INBOX, "GET /api/v1/referrals/inbox")
    assert client.get("/api/v1/referrals/inbox").json()["count"] == 3 * FEW


def test_api_case_ledger(world):
    client = logged_in(world.worker)
    url = f"/api/v1/cases/{world.case.pk}/ledger"
    send(world, FEW)
    few = queries(lambda: client.get(url))
    send(world, 2 * FEW)
    flat(few, queries(lambda: client.get(url)), API_LEDGER, "GET /api/v1/cases/{id}/ledger")


def test_api_case_referrals(world):
    agree(world, "feedback_service", "ngo-psy")
    client = logged_in(world.worker)
    url = f"/api/v1/cases/{world.case.pk}/referrals"
    answered_with_feedback(world, send(world, FEW))
    few = queries(lambda: client.get(url))
    answered_with_feedback(world, send(world, 2 * FEW))
    many = queries(lambda: client.get(url))
    flat(few, many, API_CASE_REFERRALS, "GET /api/v1/cases/{id}/referrals")
    rows = client.get(url).json()["results"]
    assert len(rows) == 3 * FEW and all(row["service_feedback"] for row in rows)


def test_api_overdue(world):
    client = logged_in(world.worker)
    late(send(world, FEW))
    few = queries(lambda: client.get("/api/v1/referrals/overdue"))
    late(send(world, 2 * FEW))
    many = queries(lambda: client.get("/api/v1/referrals/overdue"))
    flat(few, many, API_OVERDUE, "GET /api/v1/referrals/overdue")
    assert client.get("/api/v1/referrals/overdue").json()["count"] == 3 * FEW
