"""Overdue tasks: the periodic job tells each assignee once per overdue task; done tasks,
tasks not yet due, approvals and unassigned tasks are left out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from amana.accounts.roles import Role
from amana.cases.actions.overdue import do_notify_overdue_tasks
from amana.cases.jobs import notify_overdue_tasks
from amana.cases.models import Task
from amana.notifications.models import Notification
from tests.cases.helpers import register
from tests.factories import AgencyFactory, UserFactory
from tests.notifications.helpers import kinds_for

pytestmark = pytest.mark.django_db


def _late(task: Task, days: int = 3) -> None:
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def worker():
    return UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory(case_prefix="NGC"))


def test_an_overdue_task_is_told_once(worker):
    case = register(worker)
    [task] = Task.objects.filter(case=case)
    _late(task)
    assert notify_overdue_tasks(timestamp=int(timezone.now().timestamp())) == "1 told"
    assert notify_overdue_tasks() == "0 told"  # idempotent: nobody told twice
    [row] = Notification.objects.filter(recipient=worker)
    assert row.kind == "task.overdue" and row.params == {"case": case.case_number}
    assert row.once_key == f"task.overdue:{task.pk}"


def test_denied_twin_not_due_done_unassigned_approval_or_someone_else(worker):
    colleague = UserFactory(roles=[Role.CASEWORKER], agency=worker.agency)
    case = register(worker)
    [task] = Task.objects.filter(case=case)
    assert do_notify_overdue_tasks() == 0  # not due yet
    _late(task)
    Task.objects.filter(pk=task.pk).update(done_at=timezone.now())
    late = timezone.now() - timedelta(days=2)
    Task.objects.create(case=case, kind=Task.Kind.FOLLOW_UP, due_at=late, assigned_to=None)
    Task.objects.create(case=case, kind=Task.Kind.APPROVAL, due_at=late, assigned_to=colleague)
    assert do_notify_overdue_tasks() == 0
    assert kinds_for(worker) == [] and kinds_for(colleague) == []
