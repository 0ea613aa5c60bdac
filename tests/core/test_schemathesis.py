"""Schemathesis against the whole API, in process, as a real caseworker: no input it generates
from the OpenAPI document may get a server error (5xx).

The document is drf-spectacular's (the one /api/schema/ serves). Requests go through the WSGI
application with every middleware, authenticated by a session cookie of a caseworker of NGO C
(not a superuser) with its CSRF token. `case_id` in a path is the caseworker's own case, so the
case operations get past the need-to-know check and exercise the serializers and actions; the
other ids are what Schemathesis generates (mostly not found, some malformed). Bounded:
`MAX_EXAMPLES` examples per operation, no deadline.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.referrals.send_helpers import referral_world

pytestmark = pytest.mark.django_db
MAX_EXAMPLES = 20


@pytest.fixture
def api_schema(settings: Any) -> Iterator[Any]:
    settings.ALLOWED_HOSTS = ["*"]
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    # As Django's test client does: the handler must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def caller() -> dict[str, Any]:
    world = referral_world()
    client = Client()
    client.force_login(world.worker)
    token = secrets.token_hex(16)
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
        "case_id": str(world.case.pk),
    }


def exercise(operation: Any, caller: dict[str, Any], statuses: dict[str, set[int]]) -> None:
    """Run `MAX_EXAMPLES` generated requests of one operation; raises on a server error."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case: Any) -> None:
        if case.path_parameters and "case_id" in case.path_parameters:
            case.path_parameters["case_id"] = caller["case_id"]
        response = case.call_and_validate(
            headers=caller["headers"], cookies=caller["cookies"], checks=[not_a_server_error]
        )
        statuses.setdefault(operation.label, set()).add(response.status_code)

    call()


def test_no_input_gets_a_server_error(api_schema: Any, caller: dict[str, Any]) -> None:
    server_errors: list[str] = []
    statuses: dict[str, set[int]] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    for operation in operations:
        try:
            exercise(operation, caller, statuses)
        except Exception as failure:  # collected, reported together below
            server_errors.append(f"{operation.label}: {failure}")
    print({label: sorted(seen) for label, seen in sorted(statuses.items())})  # with -s
    assert server_errors == [], "\n\n".join(server_errors)
    # The run went past the login wall and into the views: never 401, and successes seen.
    assert not [label for label, seen in statuses.items() if 401 in seen], statuses
    succeeded = [label for label, seen in statuses.items() if any(c < 300 for c in seen)]
    assert len(succeeded) >= 10, statuses
