"""Transferring a case to another agency: choose the agency and the basis, preview what the
engine lets go (the protocol's exclusions — drafts … — held back), then send. On acceptance
the recipient opens its own case from the packet and this one is closed as transferred."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case
from amana.cases.models import Case
from amana.protocols.access import engine_protocol
from amana.referrals.actions import protocol_for
from amana.referrals.forms import TransferForm, participant_choices
from amana.referrals.models import Referral
from amana.referrals.transfer import do_send_transfer, transfer_input
from amana.referrals.views.common import (
    actor_of,
    decision_view,
    guarded,
    is_htmx,
    preview,
    to_field,
)
from amana.referrals.vocabulary import TRANSFER


def case_for_transfer(request: HttpRequest, case_id: str) -> tuple[User, Case]:
    """A case the actor may open (404 otherwise) and may transfer (403 otherwise)."""
    actor = actor_of(request)
    case = access_case(actor, case_id, origin=origin_of(request))
    for perm in (Perm.REFERRAL_SEND, Perm.CASE_EDIT):
        if not actor.has_permission(perm):
            raise NotAllowed(perm.value)
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
    """GET: the transfer form. POST step=preview: the engine's decision with the values that
    would be frozen. POST step=send: decided again, then sent or refused."""
    actor, case = case_for_transfer(request, case_id)
    version = protocol_for(case.agency)
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
    if not form.is_valid():
        return _render(request, context, status=400)
    data = form.cleaned_data
    if request.POST.get("step") == "send":
        try:
            result = do_send_transfer(
                case=case,
                recipient=data["recipient"],
                legal_basis=data["legal_basis"],
                elements=data["elements"],
                origin=origin_of(request),
                actor=actor,
            )
        except ActionError as error:
            to_field(form, error)
            return _render(request, context, status=400)
        if result.referral is not None:
            messages.success(
                request,
                _(
                    "Transfer sent to %(agency)s. The case stays yours until they accept it; "
                    "then it is closed here as transferred."
                )
                % {"agency": result.referral.recipient.name},
            )
            return redirect(reverse("cases:detail", kwargs={"case_id": case.pk}) + "#referrals")
        asked = transfer_input(
            recipient=data["recipient"], legal_basis=data["legal_basis"], elements=data["elements"]
        )
        context["decision"] = decision_view(case, asked, result.decision, with_values=False)
        context["refused"] = True
        return _render(request, context)
    asked = transfer_input(
        recipient=data["recipient"], legal_basis=data["legal_basis"], elements=data["elements"]
    )
    decision = preview(form, case, asked)
    if decision is None:
        return _render(request, context, status=400)
    context["decision"] = decision
    return _render(request, context)
