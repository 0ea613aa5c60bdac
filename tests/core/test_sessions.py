"""Sessions are written when they change and renewed at most once a minute: a session left
alone still ends 30 minutes after its last renewal, and one in use goes on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amana.accounts.roles import Role
from amana.core.sessions import RENEW_AFTER

pytestmark = pytest.mark.django_db
AGE = timedelta(minutes=30)


@pytest.fixture
def signed_in(client, make_user, password):
    user = make_user(Role.CASEWORKER)
    client.post("/accounts/login/", {"username": user.username, "password": password})
    assert client.get("/").status_code == 200
    return client


def _row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _expire_in(client, left: timedelta) -> None:
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + left
    )


def _writes(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return [q["sql"] for q in captured if q["sql"].startswith("UPDATE") and "session" in q["sql"]]


def test_a_session_saved_moments_ago_is_not_written_again(signed_in):
    before = _row(signed_in).expire_date
    assert _writes(signed_in) == []
    assert _row(signed_in).expire_date == before


def test_a_session_in_use_is_renewed_once_a_minute_has_passed(signed_in):
    _expire_in(signed_in, AGE - timedelta(seconds=RENEW_AFTER + 5))
    assert len(_writes(signed_in)) == 1
    left = _row(signed_in).expire_date - timezone.now()
    assert AGE - timedelta(seconds=5) < left <= AGE


def test_a_session_not_quite_a_minute_old_is_left_alone(signed_in):
    _expire_in(signed_in, AGE - timedelta(seconds=RENEW_AFTER - 5))
    assert _writes(signed_in) == []


def test_a_session_idle_past_its_end_is_over(signed_in):
    _expire_in(signed_in, -timedelta(seconds=1))
    response = signed_in.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
