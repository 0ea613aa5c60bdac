"""Changing a case's own facts and naming its supervisor."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.audit.models import AuditEntry
from amana.cases import policy
from amana.cases.access import forget_visibility
from amana.cases.actions.common import CaseInput, check_case, refuse_unless, supervisor_for
from amana.cases.errors import ActionError, EditConflict
from amana.cases.models import Case

EDITABLE_FIELDS = ("risk_level", "care_arrangement", "location", "is_refugee", "concerns")


def _last_change(case: Case) -> tuple[str, list[str], str]:
    entry = (
        AuditEntry.objects.filter(object_type="case", object_id=str(case.pk), action="case.update")
        .order_by("-id")
        .first()
    )
    if entry is None:
        return ("", [], "")
    return (entry.actor, list(entry.details.get("fields", [])), entry.at.isoformat())


@transaction.atomic(durable=True)
def do_update_case(
    *, case: Case, changes: dict[str, Any], expected_version: int, origin: str = "", actor: User
) -> Case:
    """Change the case's own facts. A save based on an old version is refused, never merged."""
    refuse_unless(policy.can_edit_case(actor, case), Perm.CASE_EDIT)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ActionError(unknown[0], _("This field cannot be changed here."))
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.version != expected_version:
        raise EditConflict(*_last_change(current))
    merged = CaseInput(
        risk_level=changes.get("risk_level", current.risk_level),
        concerns=changes.get("concerns", [c.code for c in current.concerns.all()]),
        care_arrangement=changes.get("care_arrangement", current.care_arrangement),
        location=changes.get("location", current.location.code if current.location else ""),
        is_refugee=changes.get("is_refugee", current.is_refugee),
    )
    concerns, location = check_case(merged)
    current.risk_level = merged.risk_level
    current.care_arrangement = merged.care_arrangement
    current.location = location
    current.is_refugee = merged.is_refugee
    current.version += 1
    current.save()
    current.concerns.set(concerns)
    write_entry(
        actor=actor,
        action="case.update",
        object_type="case",
        object_id=current.pk,
        origin=origin,
        details={"fields": sorted(changes), "version": current.version},
    )
    return current


@transaction.atomic(durable=True)
def do_set_supervisor(*, case: Case, supervisor: User, actor: User) -> Case:
    """The case's caseworker or current supervisor names its supervisor."""
    refuse_unless(policy.can_edit_case(actor, case), Perm.CASE_EDIT)
    case.supervisor = supervisor_for(case.agency, supervisor)
    case.save(update_fields=["supervisor", "updated_at"])
    forget_visibility(case)
    write_entry(
        actor=actor,
        action="case.set_supervisor",
        object_type="case",
        object_id=case.pk,
        details={"supervisor": str(supervisor.pk)},
    )
    return case
