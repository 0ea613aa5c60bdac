"""What each step of the case-management cycle does to the case when its form is done, and
reopening a closed case.

The functions other than `do_reopen_case` are steps: the forms actions
(`amana.caseforms.actions`) and accepting a transfer call them inside their own transaction.

Steps follow the inter-agency guidelines: registration → initial assessment → best interests
assessment (supervisor approval) → case plan (approval) → implementation and follow-ups →
closure (approval, with a reason) → reopen if needed. BID applies to refugee children.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.cases import policy
from amana.cases.actions.common import add_task, refuse_unless
from amana.cases.deadlines import due_after
from amana.cases.errors import ActionError
from amana.cases.models import Case, Task
from amana.cases.notices import approval_requested

# step → stage the case reaches when that step's form is completed (or approved).
STAGE_AFTER: dict[str, str] = {
    "initial_assessment": Case.Stage.ASSESSED,
    "bia": Case.Stage.BIA,
    "case_plan": Case.Stage.IMPLEMENTATION,
    "closure": Case.Stage.CLOSED,
}
TASK_DONE_BY: dict[str, str] = {
    "initial_assessment": Task.Kind.INITIAL_ASSESSMENT,
    "case_plan": Task.Kind.CASE_PLAN,
    "follow_up": Task.Kind.FOLLOW_UP,
}
NEXT_TASK: dict[str, str] = {
    "initial_assessment": Task.Kind.CASE_PLAN,
    "case_plan": Task.Kind.FOLLOW_UP,
    "follow_up": Task.Kind.FOLLOW_UP,
}
DEADLINE_STEP: dict[str, str] = {Task.Kind.CASE_PLAN: "case_plan", Task.Kind.FOLLOW_UP: "follow_up"}


def close_tasks(case: Case, kind: str | None = None) -> None:
    open_tasks = Task.objects.filter(case=case, done_at__isnull=True)
    if kind is not None:
        open_tasks = open_tasks.filter(kind=kind)
    open_tasks.update(done_at=timezone.now())


def _schedule(case: Case, kind: str, assignee: User, actor: User | None) -> None:
    due = due_after(timezone.now(), case.risk_level, DEADLINE_STEP[kind])
    add_task(case, kind, due, assignee, actor=actor)
    case.next_due_at = due


def complete_step(
    case: Case,
    step: str,
    *,
    done_by: User,
    closure_reason: str = "",
    actor: User | None = None,
) -> None:
    """The step's form is done (or approved): move the case on and reset its clock.

    `done_by`: who entered the form (the next task is theirs, and they are notified unless
    they are the `actor`); `closure_reason`: the closure form's reason, for the closure step."""
    if step in TASK_DONE_BY:
        close_tasks(case, TASK_DONE_BY[step])
    if step in STAGE_AFTER:
        case.stage = STAGE_AFTER[step]
    if step in NEXT_TASK and case.status == Case.Status.OPEN:
        _schedule(case, NEXT_TASK[step], done_by, actor)
    if step == "bia":
        case.best_interests_status = Case.BestInterestsStatus.BIA_DONE
    if step == "bid":
        case.best_interests_status = Case.BestInterestsStatus.BID_DONE
    if step == "closure":
        _close(case, closure_reason)
    case.save()


def _close(case: Case, reason: str) -> None:
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.closure_reason = reason[:64]
    case.next_due_at = None
    close_tasks(case)


TRANSFERRED_REASON = "transferred"


def close_transferred(case: Case) -> None:
    """An accepted transfer: the case continues at another agency and is closed here."""
    case.status = Case.Status.TRANSFERRED
    case.stage = Case.Stage.CLOSED
    case.closed_at = timezone.now()
    case.closure_reason = TRANSFERRED_REASON
    case.next_due_at = None
    case.version += 1
    case.save()
    close_tasks(case)


def request_approval(case: Case, step: str, *, actor: User | None = None) -> None:
    Task.objects.create(
        case=case, kind=Task.Kind.APPROVAL, due_at=timezone.now(), assigned_to=case.supervisor
    )
    approval_requested(case, actor=actor)
    if step == "closure":
        case.stage = Case.Stage.CLOSURE_REQUESTED
        case.save(update_fields=["stage", "updated_at"])


def approval_settled(case: Case) -> None:
    close_tasks(case, Task.Kind.APPROVAL)


def returned(case: Case, step: str) -> None:
    if step == "closure" and case.stage == Case.Stage.CLOSURE_REQUESTED:
        case.stage = Case.Stage.IMPLEMENTATION
        case.save(update_fields=["stage", "updated_at"])


@transaction.atomic(durable=True)
def do_reopen_case(*, case: Case, reason: str, origin: str = "", actor: User) -> Case:
    """A closed case opens again (new concerns, a failed closure); the supervisor decides."""
    refuse_unless(policy.can_reopen_case(actor, case), Perm.CASE_CLOSE)
    if not policy.is_closed(case):
        raise ActionError("case", _("Only a closed case can be reopened."))
    if not reason.strip():
        raise ActionError("reason", _("Say why the case is reopened."))
    case.status, case.stage, case.closed_at = Case.Status.OPEN, Case.Stage.IMPLEMENTATION, None
    due = due_after(timezone.now(), case.risk_level, "follow_up")
    case.next_due_at = due
    case.version += 1
    case.save()
    assignee = case.assignments.order_by("assigned_at").first()
    add_task(case, Task.Kind.FOLLOW_UP, due, assignee.user if assignee else None, actor=actor)
    write_entry(
        actor=actor,
        action="case.reopen",
        object_type="case",
        object_id=case.pk,
        origin=origin,
        details={"reason_given": True},
    )
    return case
