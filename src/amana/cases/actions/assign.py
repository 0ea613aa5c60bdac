"""Giving a case to a colleague of its agency, and taking it back."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.cases import policy
from amana.cases.access import forget_visibility
from amana.cases.actions.common import refuse_unless
from amana.cases.errors import ActionError
from amana.cases.models import Case, CaseAssignment


@transaction.atomic(durable=True)
def do_assign_case(
    *, case: Case, user: User, role: str = CaseAssignment.Role.CASEWORKER, actor: User
) -> CaseAssignment:
    """A supervisor gives the case to a colleague of the same agency."""
    refuse_unless(policy.can_assign_case(actor, case), Perm.CASE_ASSIGN)
    if user.agency_id != case.agency_id or not user.is_active:
        raise ActionError("user", _("Choose an active colleague of the case's agency."))
    if role not in CaseAssignment.Role.values:
        raise ActionError("role", _("Choose one of the listed values."))
    assignment, _created = CaseAssignment.objects.get_or_create(
        case=case, user=user, defaults={"role": role}
    )
    write_entry(
        actor=actor,
        action="case.assign",
        object_type="case",
        object_id=case.pk,
        details={"user": str(user.pk), "role": role},
    )
    return assignment


@transaction.atomic(durable=True)
def do_unassign_case(*, case: Case, user: User, actor: User) -> None:
    refuse_unless(policy.can_assign_case(actor, case), Perm.CASE_ASSIGN)
    CaseAssignment.objects.filter(case=case, user=user).delete()
    forget_visibility(case)
    write_entry(
        actor=actor,
        action="case.unassign",
        object_type="case",
        object_id=case.pk,
        details={"user": str(user.pk)},
    )
