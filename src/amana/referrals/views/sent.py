"""The sender's side: every referral its agency sent, of cases the actor may open or sent by
the actor, with its status (filtered by status, a page at a time), and first the reminders —
those still waiting for an answer past the protocol's response period."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amana.accounts.errors import NotAllowed
from amana.accounts.roles import Perm
from amana.core.web import actor_of, guarded
from amana.referrals import access
from amana.referrals.models import Referral
from amana.referrals.presenters import PAGE_SIZE, overdue_flags, service_label


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
    status = request.GET.get("status", "")
    if status not in Referral.Status.values:
        status = ""
    found = access.sent_referrals(actor, status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    late = overdue_flags(shown)
    sent_rows = [
        {
            "referral": referral,
            "service": service_label(referral.service) or referral.get_purpose_display(),
            "overdue": late[referral.pk],
        }
        for referral in shown
    ]
    context = {
        "rows": rows,
        "sent_rows": sent_rows,
        "page": page,
        "status": status,
        "statuses": Referral.Status.choices,
    }
    return render(request, "referrals/sent.html", context)
