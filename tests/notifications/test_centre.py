"""The notification centre: the list shows the user's own notifications in their language,
mark read and mark all read touch only their own; another user's notification is not found;
the menu badge counts the unread ones."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.http import Http404
from django.test import Client

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.notifications import access
from amana.notifications.actions.notify import notify
from amana.notifications.actions.read import (
    do_mark_all_notifications_read,
    do_mark_notification_read,
)
from amana.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _tell(user: User, count: int = 1, kind: str = "task.overdue") -> list[Notification]:
    with transaction.atomic():
        return [
            row
            for n in range(count)
            for row in notify([user], kind, params={"case": f"NGC-2026-{n:05d}"}, link="/cases/")
        ]


@pytest.fixture
def pair() -> tuple[User, User]:
    return UserFactory(roles=[Role.CASEWORKER]), UserFactory(roles=[Role.CASEWORKER])


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_own_notifications_in_the_page_language(pair):
    me, other = pair
    _tell(me, kind="approval.requested")
    _tell(other, kind="task.overdue")
    page = _client(me).get("/notifications/").content.decode()
    assert "A form of case NGC-2026-00000 is waiting for your approval." in page
    assert "overdue" not in page
    page = _client(me).get("/notifications/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200


def test_mark_read_own(pair):
    me, _other = pair
    [row] = _tell(me)
    assert access.unread_count(me) == 1
    response = _client(me).post(f"/notifications/{row.pk}/read/")
    assert response.status_code == 302
    assert access.unread_count(me) == 0


def test_denied_twin_another_users_notification_is_not_found(pair):
    me, other = pair
    [theirs] = _tell(other)
    assert _client(me).post(f"/notifications/{theirs.pk}/read/").status_code == 404
    with pytest.raises(Http404):
        access.own_notification(me, str(theirs.pk))
    with pytest.raises(Notification.DoesNotExist):
        do_mark_notification_read(notification=theirs, actor=me)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_own(pair):
    me, other = pair
    _tell(me, 3)
    _tell(other, 2)
    assert do_mark_all_notifications_read(actor=me) == 3
    assert access.unread_count(me) == 0 and access.unread_count(other) == 2
    assert _client(other).post("/notifications/read-all/").status_code == 302
    assert access.unread_count(other) == 0


def test_the_badge_counts_unread(pair):
    me, other = pair
    _tell(me, 4)
    _tell(other, 1)
    [first, *_rest] = Notification.objects.filter(recipient=me)
    do_mark_notification_read(notification=first, actor=me)
    page = _client(me).get("/").content.decode()
    assert '<span class="badge">3<span class="visually-hidden"> unread</span></span>' in page


def test_denied_twin_no_badge_without_unread(pair):
    me, _other = pair
    page = _client(me).get("/").content.decode()
    assert 'class="badge"' not in page and "/notifications/" in page


def test_the_actor_and_inactive_users_are_never_told(pair):
    me, other = pair
    other.is_active = False
    other.save()
    with transaction.atomic():
        assert notify([me, other], "task.overdue", actor=me) == []


def _counter(user: User) -> int:
    return User.objects.get(pk=user.pk).unread_notifications


def test_the_badge_counter_follows_every_write(pair):
    me, other = pair
    rows = _tell(me, 3)
    _tell(other, 1)
    assert _counter(me) == access.unread_count(me) == 3
    do_mark_notification_read(notification=rows[0], actor=me)
    do_mark_notification_read(notification=rows[0], actor=me)  # twice: counted once
    assert _counter(me) == access.unread_count(me) == 2
    do_mark_all_notifications_read(actor=me)
    assert _counter(me) == access.unread_count(me) == 0
    assert _counter(other) == access.unread_count(other) == 1
