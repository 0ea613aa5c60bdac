"""Who hears that consent was withdrawn (amana.notifications): the case's team (its assigned
colleagues and supervisor) and the agency's data protection focal points, inside
`do_record_consent`'s transaction. The recipients of referrals it covers are told by the
referrals app (`referrals.actions.withdrawal`)."""

from __future__ import annotations

from django.urls import reverse

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.cases.models import Case, CaseAssignment
from amana.notifications import kinds
from amana.notifications.actions.notify import notify


def told_of_withdrawal(case: Case) -> set[object]:
    """The case's team and its agency's data protection focal points (ids)."""
    team = set(CaseAssignment.objects.filter(case=case).values_list("user_id", flat=True))
    focal_points = User.objects.filter(
        agency_id=case.agency_id, role_grants__role=Role.DP_FOCAL_POINT
    ).values_list("pk", flat=True)
    return team | set(focal_points) | ({case.supervisor_id} - {None})


def consent_withdrawn(case: Case, *, actor: User) -> None:
    notify(
        told_of_withdrawal(case),
        kinds.CONSENT_WITHDRAWN,
        params={"case": case.case_number},
        link=reverse("cases:detail", args=[case.pk]),
        actor=actor,
    )
