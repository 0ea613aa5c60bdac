"""Bad input the preview and sending refuse alike, naming the field, leaving nothing behind:
a child whose age is unknown (their assent could never be asked) and a second transfer."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from amana.accounts.errors import ActionError
from amana.cases.models import Child
from amana.referrals.actions import (
    check_referral,
    decide_referral,
    do_send_transfer,
    transfer_input,
)
from amana.referrals.models import Referral
from amana.sharing.models import LedgerEntry
from tests.referrals.backend_helpers import World, agree, make_world

pytestmark = pytest.mark.django_db
AGE_MESSAGE = "Record the child&#x27;s date of birth or estimated birth year before sharing."
REFER_API = {
    "recipient": "unhcr",
    "service": "resettlement_consideration",
    "elements": ["full_name", "individual_id", "referral_summary"],
    "written": {"referral_summary": "Needs resettlement assessment."},
    "legal_basis": "consent",
}
REFER_FORM = {
    "service": "resettlement_consideration",
    "elements": ["full_name", "individual_id", "referral_summary"],
    "referral_summary": "Needs resettlement assessment.",
    "legal_basis": "consent",
    "label": "",
    "contact_method": "phone",
}
TRANSFER = {"recipient": "imc", "legal_basis": "consent"}


@pytest.fixture
def world() -> World:
    made = make_world()
    agree(made, "referral_immediate", "unhcr")
    return made


def forget_age(world: World, birth_year: int | None = None) -> None:
    Child.objects.filter(pk=world.case.child_id).update(date_of_birth="", birth_year=birth_year)
    world.case.refresh_from_db()
    world.case.child.refresh_from_db()


def client_of(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_post(client: Client, url: str, body: object):
    return client.post(url, body, content_type="application/json")


def nothing_left() -> bool:
    return not LedgerEntry.objects.exists() and not Referral.objects.exists()


# --- Unknown age ----------------------------------------------------------------------------


def test_unknown_age_preview_and_send_by_api_are_400_naming_age(world):
    forget_age(world)
    client = client_of(world.worker)
    base = f"/api/v1/cases/{world.case.pk}/referrals"
    for url in (base + "/preview", base):
        response = api_post(client, url, REFER_API)
        assert response.status_code == 400, (url, response.content)
        assert response.json()["field"] == "age"
    assert nothing_left()


def test_unknown_age_preview_and_send_pages_show_the_error(world):
    forget_age(world)
    client = client_of(world.worker)
    url = f"/referrals/cases/{world.case.pk}/new/"
    for step in ("preview", "send"):
        response = client.post(url, REFER_FORM | {"step": step})
        assert response.status_code == 400, step
        assert AGE_MESSAGE in response.content.decode()
    assert nothing_left()


def test_allowed_twin_an_estimated_birth_year_is_decided_normally(world):
    forget_age(world, birth_year=timezone.localdate().year - 12)
    client = client_of(world.worker)
    base = f"/api/v1/cases/{world.case.pk}/referrals"
    preview = api_post(client, base + "/preview", REFER_API)
    assert preview.status_code == 200, preview.content
    assert preview.json()["decision"]["decision"] == "allow"
    sent = api_post(client, base, REFER_API)
    assert sent.status_code == 201, sent.content
    assert LedgerEntry.objects.get().request["subject"]["age"] == 12


# --- A second transfer ----------------------------------------------------------------------


def _first_transfer(world: World) -> None:
    agree(world, "case_transfer", "imc")
    first = do_send_transfer(
        case=world.case, recipient="imc", legal_basis="consent", actor=world.worker
    )
    assert first.referral is not None


def test_a_second_transfer_is_refused_at_preview_naming_the_case(world):
    _first_transfer(world)
    data = transfer_input(recipient="imc", legal_basis="consent")
    with pytest.raises(ActionError) as raised:
        decide_referral(world.case, data, timezone.localdate())
    assert raised.value.field == "case"
    before = LedgerEntry.objects.count()
    client = client_of(world.worker)
    response = api_post(client, f"/api/v1/cases/{world.case.pk}/transfer/preview", TRANSFER)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "case"
    page = client.post(
        f"/referrals/cases/{world.case.pk}/transfer/",
        TRANSFER | {"elements": ["full_name"], "step": "preview"},
    )
    assert page.status_code == 400
    assert "already has a transfer waiting" in page.content.decode()
    assert LedgerEntry.objects.count() == before


def test_allowed_twin_a_first_transfer_previews(world):
    agree(world, "case_transfer", "imc")
    data = transfer_input(recipient="imc", legal_basis="consent")
    assert check_referral(world.case, data).slug == "imc"
    decided = decide_referral(world.case, data, timezone.localdate())
    decision, _reference = decided.explained, decided.protocol
    assert decision["decision"] == "allow", decision["reasons"]
    response = api_post(
        client_of(world.worker), f"/api/v1/cases/{world.case.pk}/transfer/preview", TRANSFER
    )
    assert response.status_code == 200, response.content
