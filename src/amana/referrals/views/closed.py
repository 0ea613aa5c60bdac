"""Sharing a closed case for future services or for archiving (rules.md R4.5): consent asked
at intake and, for archiving, reconfirmed at closure — the engine reads both records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case
from amana.cases.models import Case
from amana.protocols.access import engine_protocol
from amana.referrals.actions import do_send_referral, protocol_for
from amana.referrals.forms import ClosedCaseForm, participant_choices
from amana.referrals.views.common import (
    actor_of,
    decision_view,
    guarded,
    is_htmx,
    preview,
    to_field,
)


def _render(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    if is_htmx(request) and request.method == "POST":
        return render(request, "referrals/_closed_panel.html", context, status=status)
    return render(request, "referrals/closed.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@guarded
def share_closed(request: HttpRequest, case_id: str) -> HttpResponse:
    """GET: the form. POST step=preview: the engine's decision. POST step=send: decided
    again on the server, then sent or refused — through the same action as every referral."""
    actor = actor_of(request)
    case = access_case(actor, case_id, origin=origin_of(request))
    if not actor.has_permission(Perm.REFERRAL_SEND):
        raise NotAllowed(Perm.REFERRAL_SEND.value)
    version = protocol_for(case.agency)
    protocol = engine_protocol(version) if version else None
    recipients = participant_choices(protocol, case.agency.slug)
    closed = case.status == Case.Status.CLOSED
    context: dict[str, Any] = {"case": case, "version": version, "closed": closed}
    if request.method != "POST":
        context["form"] = ClosedCaseForm(recipients=recipients, case_closed=closed)
        return _render(request, context)
    form = ClosedCaseForm(request.POST, recipients=recipients, case_closed=closed)
    context["form"] = form
    if not form.is_valid():
        return _render(request, context, status=400)
    data = form.referral_input()
    if request.POST.get("step") == "send":
        try:
            result = do_send_referral(case=case, data=data, origin=origin_of(request), actor=actor)
        except ActionError as error:
            to_field(form, error)
            return _render(request, context, status=400)
        if result.referral is not None:
            messages.success(
                request,
                _("Shared with %(agency)s. It shows here as pending until they answer.")
                % {"agency": result.referral.recipient.name},
            )
            return redirect(reverse("cases:detail", kwargs={"case_id": case.pk}) + "#referrals")
        context["decision"] = decision_view(case, data, result.decision, with_values=False)
        context["refused"] = True
        return _render(request, context)
    decision = preview(form, case, data)
    if decision is None:
        return _render(request, context, status=400)
    context["decision"] = decision
    return _render(request, context)
