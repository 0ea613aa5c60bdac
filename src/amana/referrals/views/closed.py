"""Sharing a closed case for future services or for archiving (rules.md R4.5): consent asked
at intake and, for archiving, reconfirmed at closure — the engine reads both records."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amana.accounts.errors import NotAllowed
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case
from amana.cases.models import Case
from amana.core.web import actor_of, guarded, is_htmx
from amana.protocols.access import engine_protocol
from amana.referrals.forms import ClosedCaseForm
from amana.referrals.models import Referral
from amana.referrals.policy import can_send_referral
from amana.referrals.presenters import participant_choices
from amana.referrals.views.flow import Flow, preview_or_send
from amana.sharing.disclosure import protocol_version


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
    if not can_send_referral(actor, case):
        raise NotAllowed(Perm.REFERRAL_SEND.value)
    version = protocol_version(case.agency.slug)
    protocol = engine_protocol(version) if version else None
    recipients = participant_choices(protocol, case.agency.slug)
    closed = case.status == Case.Status.CLOSED
    context: dict[str, Any] = {"case": case, "version": version, "closed": closed}
    if request.method != "POST":
        context["form"] = ClosedCaseForm(recipients=recipients, case_closed=closed)
        return _render(request, context)
    form = ClosedCaseForm(request.POST, recipients=recipients, case_closed=closed)
    context["form"] = form
    flow = Flow(page=_render, read=ClosedCaseForm.referral_input, sent_message=_sent_message)
    return preview_or_send(request, flow, actor=actor, case=case, form=form, context=context)


def _sent_message(referral: Referral) -> str:
    return _("Shared with %(agency)s. It shows here as pending until they answer.") % {
        "agency": referral.recipient.name
    }
