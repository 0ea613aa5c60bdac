"""What the case domain tells people (amana.notifications): a task is theirs, a form awaits
their approval or was decided. Called inside the actions' transactions."""

from __future__ import annotations

from django.urls import reverse

from amana.accounts.models import User
from amana.cases.models import Case, Task
from amana.notifications import kinds
from amana.notifications.actions.notify import notify


def case_link(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def task_assigned(task: Task, *, actor: User | None) -> None:
    """The task's assignee hears of it, unless they gave it to themselves."""
    if task.assigned_to_id is None or task.kind == Task.Kind.APPROVAL:
        return
    notify(
        [task.assigned_to_id],
        kinds.TASK_ASSIGNED,
        params={"case": task.case.case_number},
        link=case_link(task.case),
        actor=actor,
    )


def approval_requested(case: Case, *, actor: User | None) -> None:
    """The case's supervisor is asked to approve a form."""
    notify(
        [case.supervisor_id],
        kinds.APPROVAL_REQUESTED,
        params={"case": case.case_number},
        link=reverse("cases:approvals"),
        actor=actor,
    )


def approval_decided(case: Case, submitter_id: object, *, approved: bool, actor: User) -> None:
    """Whoever submitted the form hears whether it was approved or returned."""
    notify(
        [submitter_id],
        kinds.APPROVAL_APPROVED if approved else kinds.APPROVAL_RETURNED,
        params={"case": case.case_number},
        link=case_link(case),
        actor=actor,
    )
