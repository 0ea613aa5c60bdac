"""The dead-letter list (/jobs/failed/): focal points and administrators see the jobs that
failed their last attempt, with their errors; a system administrator may retry one (audited);
a caseworker may do neither. Its query count does not grow with the rows."""

from __future__ import annotations

import pytest
from django.test import Client

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.core.errors import ActionError, NotAllowed
from amana.ops.actions import do_retry_job
from amana.ops.policy import can_retry_failed_job, can_view_failed_jobs
from tests.core.queries import flat, queries
from tests.factories import UserFactory
from tests.jobs.helpers import dead_letter, jobs_named, postgresql_only, wipe_queue

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    postgresql_only("procrastinate's failed jobs"),
]
PAGE = "/jobs/failed/"
FEW = 2
# Measured on PostgreSQL: 10 every request pays (session, user, two-factor devices read
# twice, the agency in the header, session save with its savepoint), the user's roles, then
# the page of failed jobs (with their last errors and failure times: one query) and their count.
BUDGET = 13


@pytest.fixture(autouse=True)
def _empty_queue():
    wipe_queue()
    yield
    wipe_queue()


def _client(role: str) -> tuple[Client, object]:
    user = UserFactory(roles=[role])
    client = Client()
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("role", [Role.DP_FOCAL_POINT, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN])
def test_focal_points_and_administrators_see_failed_jobs_with_their_errors(role):
    dead_letter("SMTP 451 try later")
    client, _user = _client(role)
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Test job: always fails" in page and "RuntimeError: SMTP 451 try later" in page
    assert "tests.fail" not in page  # the label, not the task's code
    assert ("Retry</button>" in page) == (role == Role.SYSTEM_ADMIN)


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR, Role.IM_OFFICER])
def test_denied_twin_other_roles_do_not_see_the_list(role):
    dead_letter("SMTP 451 try later")
    client, user = _client(role)
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "SMTP 451" not in response.content.decode()
    assert not can_view_failed_jobs(user)


def test_the_page_speaks_french_and_arabic():
    dead_letter()
    client, _user = _client(Role.DP_FOCAL_POINT)
    assert (
        "Tâches en arrière-plan échouées"
        in client.get(PAGE, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )
    arabic = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in arabic and "المهام الخلفية التي فشلت" in arabic


def test_an_administrator_retries_a_failed_job():
    job_id = dead_letter()
    client, admin = _client(Role.SYSTEM_ADMIN)
    response = client.post(f"/jobs/failed/{job_id}/retry")
    assert response.status_code == 302 and response["Location"] == PAGE
    [job] = jobs_named("tests.fail")
    assert job.status == "todo"  # back in the queue for one more attempt
    entry = AuditEntry.objects.get(action="job.retry")
    assert entry.actor == admin.username and entry.object_id == str(job_id)
    assert "No job has failed." in client.get(PAGE).content.decode()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.DP_FOCAL_POINT, Role.AGENCY_ADMIN])
def test_denied_twin_a_caseworker_or_focal_point_cannot_retry(role):
    job_id = dead_letter()
    client, user = _client(role)
    assert client.post(f"/jobs/failed/{job_id}/retry").status_code == 403
    with pytest.raises(NotAllowed):
        do_retry_job(key=job_id, actor=user)
    assert not can_retry_failed_job(user)
    assert [job.status for job in jobs_named("tests.fail")] == ["failed"]
    assert not AuditEntry.objects.filter(action="job.retry").exists()


def test_retrying_a_job_that_is_no_longer_failed_names_the_field():
    job_id = dead_letter()
    client, admin = _client(Role.SYSTEM_ADMIN)
    do_retry_job(key=job_id, actor=admin)
    with pytest.raises(ActionError) as error:
        do_retry_job(key=job_id, actor=admin)
    assert error.value.field == "job"
    response = client.post(f"/jobs/failed/{job_id}/retry")
    assert response.status_code == 400
    assert "no longer in the failed list" in response.content.decode()
    assert client.post("/jobs/failed/not-a-number/retry").status_code == 404
    assert AuditEntry.objects.filter(action="job.retry").count() == 1


def test_query_budget_of_the_dead_letter_list():
    client, _user = _client(Role.SYSTEM_ADMIN)
    for number in range(FEW):
        dead_letter(f"error {number}")
    few = queries(lambda: client.get(PAGE))
    for number in range(FEW, 3 * FEW):
        dead_letter(f"error {number}")
    flat(few, queries(lambda: client.get(PAGE)), BUDGET, "dead-letter list")
