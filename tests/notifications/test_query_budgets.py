"""Query budgets: the notification list costs the same with a few or three times as many
notifications, and the menu badge adds no query to any page (docs/performance.md)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.notifications.actions.notify import notify
from tests.core.queries import flat, queries
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
FEW = 3
# The 9 every request pays (session, user, two-factor devices, session save), then the
# page's notifications, roles and the agency (the layout shows its name).
LIST = 12


def _tell(user: User, count: int) -> None:
    with transaction.atomic():
        for n in range(count):
            notify([user], "task.overdue", params={"case": f"C-{n}"}, link="/cases/")


@pytest.fixture
def client_of() -> tuple[Client, User]:
    user = UserFactory(roles=[Role.CASEWORKER])
    client = Client()
    client.force_login(user)
    return client, user


def test_the_list_page_does_not_grow_with_notifications(client_of):
    client, user = client_of
    _tell(user, FEW)
    few = queries(lambda: client.get("/notifications/"))
    _tell(user, 2 * FEW)
    flat(few, queries(lambda: client.get("/notifications/")), LIST, "notification list")


@pytest.mark.parametrize("path", ["/", "/cases/", "/notifications/"])
def test_the_badge_costs_no_query(client_of, path):
    """The badge reads the user's unread counter from the user row every request loads:
    a page with unread notifications costs what it costs without them."""
    client, user = client_of
    without = queries(lambda: client.get(path))
    _tell(user, 2)
    page = client.get(path).content.decode()
    assert 'class="badge">2<' in page
    assert queries(lambda: client.get(path)) == without
