"""Who may do what to a case: one predicate per action, asked by both sides.

The case pages ask them to decide which buttons and forms to show; the actions (`actions.py`)
ask the same ones and refuse with `NotAllowed` when the answer is no. A predicate says whether
the actor may act — their roles' permissions (`amana.accounts.roles.ROLES`) and their relation
to the case. Whether the case is in a state to be acted on (`is_open`, `is_closed`) is a
separate question: the action answers it with an `ActionError` that says what to do first,
the page by not offering the form.
"""

from __future__ import annotations

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.cases.access import can_see
from amana.cases.models import Case


def supervises(actor: User, case: Case) -> bool:
    """The actor is the case's named supervisor."""
    return case.supervisor_id == actor.pk


def can_register_case(actor: User) -> bool:
    """Register a child and open a case for them."""
    return actor.has_permission(Perm.CASE_CREATE)


def can_edit_case(actor: User, case: Case) -> bool:
    """Change the case's facts, name its supervisor, fill in and submit its forms: CASE_EDIT,
    on a case the actor works on (assigned to it, or supervising it)."""
    return actor.has_permission(Perm.CASE_EDIT) and can_see(actor, case)


def can_assign_case(actor: User, case: Case) -> bool:
    """Give the case to a colleague, or take it from them: its supervisor, with CASE_ASSIGN."""
    return actor.has_permission(Perm.CASE_ASSIGN) and supervises(actor, case)


def can_approve_case_forms(actor: User, case: Case) -> bool:
    """Approve or return the case's submitted forms: its supervisor, with CASE_APPROVE."""
    return actor.has_permission(Perm.CASE_APPROVE) and supervises(actor, case)


def can_reopen_case(actor: User, case: Case) -> bool:
    """Open a closed case again: its supervisor, with CASE_CLOSE."""
    return actor.has_permission(Perm.CASE_CLOSE) and supervises(actor, case)


def is_open(case: Case) -> bool:
    """The case is open: its facts and forms are worked on."""
    return case.status == Case.Status.OPEN


def is_closed(case: Case) -> bool:
    """The case is closed: it can be reopened."""
    return case.status == Case.Status.CLOSED
