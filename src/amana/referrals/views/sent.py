"""The sender's reminders: its agency's referrals still waiting for an answer past the
protocol's response period, of cases the actor may open."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amana.accounts.errors import NotAllowed
from amana.accounts.roles import Perm
from amana.core.web import actor_of, guarded
from amana.referrals import access
from amana.referrals.presenters import service_label


@require_GET
@guarded
def sent(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.has_permission(Perm.REFERRAL_SEND):
        raise NotAllowed(Perm.REFERRAL_SEND.value)
    rows = [
        {
            "referral": item.referral,
            "service": service_label(item.referral.service) or item.referral.get_purpose_display(),
            "due_on": item.due_on,
            "late": item.working_days_late,
        }
        for item in access.overdue_referrals(actor)
    ]
    return render(request, "referrals/sent.html", {"rows": rows})
