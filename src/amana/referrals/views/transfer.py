"""Transferring a case to another agency: choose the agency and the basis, preview what the
engine lets go (the protocol's exclusions — drafts … — held back), then send. On acceptance
the recipient opens its own case from the packet and this one is closed as transferred."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amana.accounts.errors import NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case
from amana.cases.models import Case
from amana.core.web import actor_of, guarded, is_htmx
from amana.protocols.access import engine_protocol
from amana.referrals.actions import ReferralInput, transfer_input
from amana.referrals.forms import TransferForm
from amana.referrals.models import Referral
from amana.referrals.policy import can_transfer_case
from amana.referrals.presenters import participant_choices
from amana.referrals.views.flow import Flow, preview_or_send
from amana.referrals.vocabulary import TRANSFER
from amana.sharing.disclosure import protocol_version


def case_for_transfer(request: HttpRequest, case_id: str) -> tuple[User, Case]:
    """A case the actor may open (404 otherwise) and may transfer (403 otherwise)."""
    actor = actor_of(request)
    case = access_case(actor, case_id, origin=origin_of(request))
    if not can_transfer_case(actor, case):
        raise NotAllowed(Perm.REFERRAL_SEND.value)
    return actor, case


def transfer_blocked(case: Case) -> str:
    """Why this case cannot be transferred now, or "" (the action decides again)."""
    if case.status == Case.Status.TRANSFERRED:
        return _("This case was transferred to another agency.")
    if case.status != Case.Status.OPEN:
        return _("Only an open case can be transferred.")
    waiting = Referral.objects.filter(
        case=case, purpose=TRANSFER, status=Referral.Status.PENDING
    ).exists()
    if waiting:
        return _("This case already has a transfer waiting for an answer.")
    return ""


def _render(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    if is_htmx(request) and request.method == "POST":
        return render(request, "referrals/_transfer_panel.html", context, status=status)
    return render(request, "referrals/transfer.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@guarded
def transfer(request: HttpRequest, case_id: str) -> HttpResponse:
    """GET: the transfer form. POST: the preview → send flow."""
    actor, case = case_for_transfer(request, case_id)
    version = protocol_version(case.agency.slug)
    protocol = engine_protocol(version) if version else None
    recipients = participant_choices(protocol, case.agency.slug)
    context: dict[str, Any] = {
        "case": case,
        "version": version,
        "blocked": transfer_blocked(case),
        "transfer_page": True,
    }
    if request.method != "POST":
        context["form"] = TransferForm(recipients=recipients)
        return _render(request, context)
    form = TransferForm(request.POST, recipients=recipients)
    context["form"] = form
    flow = Flow(page=_render, read=_transfer_asked, sent_message=_sent_message)
    return preview_or_send(request, flow, actor=actor, case=case, form=form, context=context)


def _transfer_asked(form: TransferForm) -> ReferralInput:
    data = form.cleaned_data
    return transfer_input(
        recipient=data["recipient"], legal_basis=data["legal_basis"], elements=data["elements"]
    )


def _sent_message(referral: Referral) -> str:
    return _(
        "Transfer sent to %(agency)s. The case stays yours until they accept it; "
        "then it is closed here as transferred."
    ) % {"agency": referral.recipient.name}
