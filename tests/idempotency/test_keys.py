"""Idempotency-Key: a retry gets the first answer and nothing happens twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from amana.accounts.roles import Role
from amana.cases.models import Case
from amana.idempotency.models import IdempotencyKey
from amana.referrals.models import Referral
from amana.sharing.models import LedgerEntry
from tests.cases.test_api import BODY as CASE_BODY
from tests.cases.test_api import caseworker  # noqa: F401  (fixture)
from tests.referrals.test_api import BODY as REFERRAL_BODY
from tests.referrals.test_api import api, referrals_url
from tests.referrals.test_views import give_consent, make_world

pytestmark = pytest.mark.django_db


def post(client, url, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, body, content_type="application/json", headers=headers)


def test_a_retried_referral_is_sent_once_and_answered_the_same():
    world = make_world()
    give_consent(world)
    client = api(world.worker)
    first = post(client, referrals_url(world), REFERRAL_BODY, key="retry-1")
    assert first.status_code == 201, first.content
    again = post(client, referrals_url(world), REFERRAL_BODY, key="retry-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1
    assert LedgerEntry.objects.count() == 1


def test_the_same_key_with_another_body_is_409_naming_the_header():
    world = make_world()
    give_consent(world)
    client = api(world.worker)
    assert post(client, referrals_url(world), REFERRAL_BODY, key="k").status_code == 201
    other = REFERRAL_BODY | {"contact_method": "email"}
    response = post(client, referrals_url(world), other, key="k")
    assert response.status_code == 409
    assert response.json()["field"] == "Idempotency-Key"
    assert Referral.objects.count() == 1


def test_without_a_key_each_request_acts(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    assert post(client, "/api/v1/cases/", CASE_BODY).status_code == 201
    assert post(client, "/api/v1/cases/", CASE_BODY).status_code == 201
    assert Case.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_retried_registration_registers_one_case(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    first = post(client, "/api/v1/cases/", CASE_BODY, key="reg-1")
    again = post(client, "/api/v1/cases/", CASE_BODY, key="reg-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1
    stored = IdempotencyKey.objects.get()
    assert stored.status_code == 201 and stored.user == caseworker


def test_a_failed_request_stores_nothing_and_the_key_may_be_used_again(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    bad = CASE_BODY | {"case": {"risk_level": "extreme"}}
    assert post(client, "/api/v1/cases/", bad, key="fix-me").status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post(client, "/api/v1/cases/", CASE_BODY, key="fix-me").status_code == 201


def test_an_expired_key_acts_again(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    assert post(client, "/api/v1/cases/", CASE_BODY, key="old").status_code == 201
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert post(client, "/api/v1/cases/", CASE_BODY, key="old").status_code == 201
    assert Case.objects.count() == 2


def test_an_interrupted_request_is_never_run_twice(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    assert post(client, "/api/v1/cases/", CASE_BODY, key="cut").status_code == 201
    IdempotencyKey.objects.update(status_code=None, response_body="")  # answer never stored
    response = post(client, "/api/v1/cases/", CASE_BODY, key="cut")
    assert response.status_code == 409
    assert Case.objects.count() == 1


def test_keys_are_per_user(client, caseworker, make_user):  # noqa: F811
    client.force_login(caseworker)
    assert post(client, "/api/v1/cases/", CASE_BODY, key="shared").status_code == 201
    client.force_login(make_user(Role.CASEWORKER, agency=caseworker.agency))
    assert post(client, "/api/v1/cases/", CASE_BODY, key="shared").status_code == 201
    assert Case.objects.count() == 2
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


def test_a_malformed_key_is_400(client, caseworker):  # noqa: F811
    client.force_login(caseworker)
    response = post(client, "/api/v1/cases/", CASE_BODY, key="x" * 201)
    assert response.status_code == 400 and response.json()["field"] == "Idempotency-Key"
    assert not Case.objects.exists()


def test_the_stored_answer_is_encrypted(client, caseworker):  # noqa: F811
    from tests.crypto.conftest import raw_read

    client.force_login(caseworker)
    post(client, "/api/v1/cases/", CASE_BODY, key="secret")
    stored = IdempotencyKey.objects.get()
    assert "Yusuf" not in raw_read(IdempotencyKey, "response_body", stored.pk)
    assert "Yusuf" in stored.response_body
