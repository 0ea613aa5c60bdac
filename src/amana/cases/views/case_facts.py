"""What the case page shows of a case: the child, the people, the facts (masked by class),
colleagues, the forms a caseworker may start and the records entered."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts import access as account_access
from amana.accounts import policy as account_policy
from amana.accounts.models import RoleGrant, User
from amana.accounts.roles import Role
from amana.caseforms.access import case_forms
from amana.caseforms.actions import current_forms
from amana.caseforms.formdefs import STEPS, text_in
from amana.cases import access, actions
from amana.cases.models import Case, CaseAssignment, Sensitivity, Task
from amana.cases.views.common import MASK, _age, _masked, due_html
from amana.cases.webforms import supervisors_of
from amana.refdata.labels import CONCERNS, NATIONALITIES
from amana.refdata.labels import label as lookup_label
from amana.refdata.models import Location, Lookup


def _field_label(name: str) -> str:
    labels = {
        "risk_level": _("Risk level"),
        "concerns": _("Protection concerns"),
        "care_arrangement": _("Care arrangement"),
        "location": _("Location"),
        "is_refugee": _("Refugee"),
    }
    return labels.get(name, name)


def _fact_text(name: str, value: Any) -> str:
    """A case fact as a person reads it."""
    if name == "risk_level":
        return str(dict(Case.Risk.choices).get(value, value or ""))
    if name == "care_arrangement":
        return str(dict(Case.CareArrangement.choices).get(value, "")) or _("Not known")
    if name == "location":
        place = Location.objects.filter(code=value).first() if value else None
        return place.name if place else _("Not known")
    if name == "is_refugee":
        return _("Yes") if value else _("No")
    if name == "concerns":
        stored = Lookup.objects.filter(kind=actions.CONCERNS, code__in=value or []).values_list(
            "code", "label"
        )
        shown = [lookup_label(CONCERNS, code, text) for code, text in stored]
        return ", ".join(sorted(shown)) or _("None")
    return str(value)


def _child_facts(actor: User, case: Case) -> dict[str, Any]:
    classes = access.visible_classes(actor)
    child = case.child
    identifying, personal = Sensitivity.IDENTIFYING, Sensitivity.SENSITIVE_PERSONAL
    return {
        "full_name": _masked(classes, identifying, child.full_name),
        "other_names": _masked(classes, identifying, child.other_names),
        "date_of_birth": _masked(classes, identifying, child.date_of_birth),
        "age": _age(child, classes, timezone.localdate()),
        "sex": _masked(classes, personal, child.get_sex_display()),
        "nationality": _masked(classes, personal, lookup_label(NATIONALITIES, child.nationality)),
        "individual_id": _masked(classes, identifying, child.individual_id),
        "contact_phone": _masked(classes, identifying, child.contact_phone),
        "address": _masked(classes, identifying, child.address),
    }


def _people_facts(actor: User, case: Case) -> list[dict[str, Any]]:
    classes = access.visible_classes(actor)
    identifying, personal = Sensitivity.IDENTIFYING, Sensitivity.SENSITIVE_PERSONAL
    return [
        {
            "relationship": _masked(classes, personal, person.get_relationship_display()),
            "full_name": _masked(classes, identifying, person.full_name),
            "contact_phone": _masked(classes, identifying, person.contact_phone),
            "is_caregiver": person.is_caregiver,
            "lives_with_child": person.lives_with_child,
        }
        for person in case.child.related_people.all()
    ]


def _case_facts(actor: User, case: Case, concerns: list[Lookup]) -> dict[str, Any]:
    """The case's own facts; `concerns`: its protection concerns, read once by the page."""
    protection = Sensitivity.PROTECTION in access.visible_classes(actor)
    shown = (lookup_label(CONCERNS, concern.code, concern.label) for concern in concerns)
    named = ", ".join(sorted(shown)) or _("None")
    return {
        "risk": case.get_risk_level_display(),
        "concerns": named if protection else MASK,
        "care": _fact_text("care_arrangement", case.care_arrangement) if protection else MASK,
        "location": case.location.name if case.location else _("Not known"),
        "is_refugee": case.is_refugee,
    }


def _choosable(
    actor: User, case: Case, *, colleagues: bool, supervisors: bool
) -> tuple[list[User] | None, list[User] | None]:
    """Whom the assign form and the supervisor form offer (None for a form not shown). When
    both are shown to someone who sees the agency's accounts, one query reads both: the
    agency's active users, each with whether they supervise."""
    if not (colleagues and supervisors and account_policy.can_view_users(actor)):
        return (
            _colleagues(actor, case) if colleagues else None,
            supervisors_of(case.agency_id) if supervisors else None,
        )
    supervising = RoleGrant.objects.filter(user=OuterRef("pk"), role=Role.SUPERVISOR)
    users = list(
        account_access.visible_users(actor)
        .filter(agency_id=case.agency_id, is_active=True)
        .select_related(None)
        .prefetch_related(None)
        .annotate(supervises=Exists(supervising))
        .order_by("username")
    )
    return (
        [user for user in users if user.pk != actor.pk],
        [user for user in users if getattr(user, "supervises", False)],
    )


def _colleagues(actor: User, case: Case) -> list[User]:
    users = account_access.visible_users(actor).filter(agency_id=case.agency_id, is_active=True)
    # The assign form shows usernames only: no agency or roles to read with them.
    return list(users.exclude(pk=actor.pk).select_related(None).prefetch_related(None))


def _task_rows(case: Case) -> list[dict[str, Any]]:
    """The case's tasks, open ones first, as the page lists them (labels and dates once)."""
    now = timezone.now()
    kinds = {value: str(label) for value, label in Task.Kind.choices}
    tasks = case.tasks.order_by(F("done_at").desc(nulls_first=True), "due_at")
    return [
        {
            "kind": kinds.get(kind, kind),
            "done_at": done,
            "due": due_html(due, False),
            "overdue": due < now,
            "assignee": assignee,
        }
        for kind, due, done, assignee in tasks.values_list(
            "kind", "due_at", "done_at", "assigned_to__username"
        )
    ]


def _assignment_rows(case: Case) -> list[dict[str, Any]]:
    """Who works on the case, in the order they were assigned."""
    roles = {value: str(label) for value, label in CaseAssignment.Role.choices}
    found = case.assignments.order_by("assigned_at").values_list(
        "user_id", "user__username", "role"
    )
    return [
        {"user_id": user_id, "username": username, "role": roles.get(role, role)}
        for user_id, username, role in found
    ]


def _startable_forms(case: Case) -> list[dict[str, str]]:
    """The forms a caseworker may start on this case, titled in the active language."""
    if case.status != Case.Status.OPEN:
        return []
    wanted = [form_id for form_id in STEPS if form_id != "registration"]
    current = current_forms(wanted, case.agency)
    found = []
    for form_id in wanted:
        if form_id not in current:
            continue
        definition = current[form_id].definition
        if definition.get("refugee_only") and not case.is_refugee:
            continue
        found.append({"form_id": form_id, "title": text_in(definition.get("title"))})
    return found


def _record_rows(actor: User, case: Case) -> list[dict[str, Any]]:
    return [
        {
            "record": record,
            "title": text_in(record.form.definition.get("title")) or record.form.form_id,
            "url": reverse("cases:form_record", args=[case.pk, record.form.form_id, record.pk]),
        }
        for record in case_forms(actor, case)
    ]
