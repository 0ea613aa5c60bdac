"""Overdue tasks: each assignee is told once per overdue task (the periodic job
`cases.overdue_tasks`; running it again tells nobody twice). Approval tasks are left out:
the supervisor was told when the approval was requested."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from amana.audit.log import write_entry
from amana.cases.models import Task
from amana.cases.notices import case_link
from amana.notifications import kinds
from amana.notifications.actions.notify import notify
from amana.notifications.models import Notification

BATCH = 500  # tasks told per run at most; the next run goes on with the rest
ONCE_PREFIX = "task.overdue:"


def once_key(task_id: object) -> str:
    return f"{ONCE_PREFIX}{task_id}"


def untold_overdue(now: datetime) -> list[Task]:
    """Open, assigned, overdue tasks (approvals aside) whose assignee was not told yet."""
    told = Notification.objects.filter(
        recipient_id=OuterRef("assigned_to_id"), once_key=OuterRef("key")
    )
    found = (
        Task.objects.filter(done_at__isnull=True, due_at__lt=now, assigned_to__isnull=False)
        .exclude(kind=Task.Kind.APPROVAL)
        .annotate(key=Concat(Value(ONCE_PREFIX), Cast("pk", CharField())))
        .filter(~Exists(told))
        .select_related("case")
        .order_by("due_at")
    )
    return list(found[:BATCH])


@transaction.atomic(durable=True)
def do_notify_overdue_tasks(*, now: datetime | None = None, origin: str = "worker") -> int:
    """Tell each overdue task's assignee (once); return how many were told now."""
    tasks = untold_overdue(now or timezone.now())
    for task in tasks:
        notify(
            [task.assigned_to_id],
            kinds.TASK_OVERDUE,
            params={"case": task.case.case_number},
            link=case_link(task.case),
            once_key=once_key(task.pk),
        )
    if tasks:
        write_entry(
            actor=None,
            action="task.overdue_notify",
            object_type="task",
            object_id="",
            origin=origin,
            details={"tasks": len(tasks)},
        )
    return len(tasks)
