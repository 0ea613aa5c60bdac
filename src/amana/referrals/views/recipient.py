"""The recipient's side: the inbox, notices, the packet (never the case) and the answer. A
transfer, once accepted, opens the recipient's own case: the answer lands there."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import visible_cases
from amana.core.web import actor_of, field_error, guarded
from amana.referrals import access
from amana.referrals.actions import (
    INTAKE_PURPOSES,
    NEW_CASE,
    Intake,
    do_mark_notice_read,
    do_respond_referral,
    do_send_service_feedback,
    packet_duplicates,
)
from amana.referrals.forms import RespondForm, ServiceFeedbackForm
from amana.referrals.models import Referral
from amana.referrals.presenters import (
    CONTACT_CHOICES,
    NOTICES_SHOWN,
    PAGE_SIZE,
    choice_label,
    element_label,
    overdue_flags,
    person_name,
    service_label,
    value_text,
)
from amana.referrals.vocabulary import TRANSFER
from amana.sharing.presenters import readable_decision


@require_GET
@guarded
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.has_permission(Perm.REFERRAL_RECEIVE):
        raise NotAllowed(Perm.REFERRAL_RECEIVE.value)
    show_all = request.GET.get("show") == "all"
    referrals = access.inbox(actor)
    if not show_all:
        referrals = referrals.filter(status=Referral.Status.PENDING)
    page = Paginator(referrals.order_by("-sent_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    late = overdue_flags(shown)
    rows = [
        {"referral": r, "service": service_label(r.service), "overdue": late[r.pk]} for r in shown
    ]
    context = {
        "rows": rows,
        "page": page,
        "show_all": show_all,
        "notices": list(access.notices(actor)[:NOTICES_SHOWN]),
        "can_send": actor.has_permission(Perm.REFERRAL_SEND),
        "sent_overdue": len(access.overdue_referrals(actor)),
    }
    return render(request, "referrals/inbox.html", context)


@require_POST
@guarded
def notice_read(request: HttpRequest, notice_id: str) -> HttpResponse:
    actor = actor_of(request)
    notice = access.access_notice(actor, notice_id, origin=origin_of(request))
    do_mark_notice_read(notice=notice, origin=origin_of(request), actor=actor)
    return redirect("referrals:inbox")


def _render_packet(
    request: HttpRequest,
    actor: User,
    referral_id: str,
    form: RespondForm | None = None,
    *,
    feedback_form: ServiceFeedbackForm | None = None,
    feedback_decision: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    shown = access.open_packet(actor, referral_id, origin=origin_of(request))
    pending = shown["status"] == Referral.Status.PENDING
    accepted = shown["status"] == Referral.Status.ACCEPTED
    transfer = shown["purpose"] == TRANSFER
    if pending:
        form = form or RespondForm(**_intake_choices(actor, shown["values"], shown["purpose"]))
    received = shown["received_case"]
    own_case = (
        visible_cases(actor).filter(pk=received).values_list("pk", "case_number").first()
        if received
        else None
    )
    context = {
        "packet": shown,
        "service": service_label(shown["service"]),
        "purpose_label": Referral.Purpose(shown["purpose"]).label,
        "is_transfer": transfer,
        "contact_method": choice_label(CONTACT_CHOICES, shown["contact_method"])
        if shown["contact_method"]
        else "",
        "status_label": Referral.Status(shown["status"]).label,
        "values": [
            {"element": name, "label": element_label(name), "value": value_text(name, value)}
            for name, value in shown["values"].items()
        ],
        "form": form if pending else None,
        "can_open_case": bool(shown["values"].get("full_name"))
        and (transfer or shown["purpose"] in INTAKE_PURPOSES),
        "own_case": own_case,
        "feedback_form": (feedback_form or ServiceFeedbackForm())
        if accepted and not transfer
        else None,
        "feedback_decision": readable_decision(feedback_decision) if feedback_decision else None,
    }
    return render(request, "referrals/packet.html", context, status=status)


def _intake_choices(actor: User, values: dict[str, Any], purpose: str) -> dict[str, Any]:
    """The answer form's choices: the agency's cases the duplicate check found for the
    packet's child (not for a transfer, which always opens a case), and who works the case."""
    cases = []
    if purpose in INTAKE_PURPOSES:
        cases = [
            (
                str(found.case_id),
                _("Link to case %(number)s (match %(score)d%%)")
                % {"number": found.case_number, "score": found.score},
            )
            for found in packet_duplicates(values, actor)
        ]
    colleagues = [
        (str(user.pk), person_name(user))
        for user in access.case_workers(actor)
        if user.pk != actor.pk
    ]
    return {"cases": cases, "colleagues": colleagues}


@require_http_methods(["GET", "HEAD"])
@guarded
def packet(request: HttpRequest, referral_id: str) -> HttpResponse:
    """The packet only — never the case it came from."""
    return _render_packet(request, actor_of(request), referral_id)


@require_POST
@guarded
def respond(request: HttpRequest, referral_id: str) -> HttpResponse:
    actor = actor_of(request)
    referral = access.access_received_referral(actor, referral_id, origin=origin_of(request))
    values = json.loads(referral.packet or "{}")
    choices = _intake_choices(actor, values, referral.purpose)
    form = RespondForm(request.POST, **choices)
    if not form.is_valid():
        return _render_packet(request, actor, referral_id, form, status=400)
    accept = form.cleaned_data["answer"] == "accept"
    try:
        answered = do_respond_referral(
            referral=referral,
            accept=accept,
            reason=form.cleaned_data["reason"],
            intake=_intake(form, actor),
            origin=origin_of(request),
            actor=actor,
        )
    except ActionError as error:
        field_error(form, error)
        return _render_packet(request, actor, referral_id, form, status=400)
    received = answered.received_case_id
    if accept and received is not None and referral.purpose == TRANSFER:
        if not visible_cases(actor).filter(pk=received).exists():
            return _after_intake(request, actor, answered)  # given to the chosen caseworker
        messages.success(
            request,
            _(
                "Transfer accepted: this is your agency's new case, opened from the packet. "
                "Consent does not travel with a case — verify it again with the child and "
                "the family, and record it."
            ),
        )
        return redirect("cases:detail", case_id=received)
    if accept and received is not None:
        return _after_intake(request, actor, answered)
    messages.success(request, _("Referral accepted.") if accept else _("Referral rejected."))
    return redirect("referrals:packet", referral_id=referral.pk)


def _intake(form: RespondForm, actor: User) -> Intake:
    chosen = form.cleaned_data.get("assignee") or ""
    assignee = access.case_workers(actor).filter(pk=chosen).first() if chosen else None
    return Intake(case=form.cleaned_data.get("case") or NEW_CASE, assignee=assignee)


def _after_intake(request: HttpRequest, actor: User, referral: Referral) -> HttpResponse:
    """To the case the referral is worked from, when the actor may open it; otherwise back to
    the packet, which says who has it."""
    case_id = referral.received_case_id
    if case_id is not None and visible_cases(actor).filter(pk=case_id).exists():
        messages.success(
            request,
            _("Referral accepted: this is the case your agency works it from."),
        )
        return redirect("cases:detail", case_id=case_id)
    messages.success(
        request,
        _(
            "Referral accepted. It is worked from a case you are not assigned to: its "
            "caseworker has it."
        ),
    )
    return redirect("referrals:packet", referral_id=referral.pk)


@require_POST
@guarded
def feedback(request: HttpRequest, referral_id: str) -> HttpResponse:
    """The recipient tells the referring agency what became of the service — if the engine
    allows it with the consent on record."""
    actor = actor_of(request)
    referral = access.access_received_referral(actor, referral_id, origin=origin_of(request))
    form = ServiceFeedbackForm(request.POST)
    if not form.is_valid():
        return _render_packet(request, actor, referral_id, feedback_form=form, status=400)
    try:
        result = do_send_service_feedback(
            referral=referral,
            status=form.cleaned_data["service_status"],
            date=form.cleaned_data["date"],
            outcome_summary=form.cleaned_data["outcome_summary"],
            origin=origin_of(request),
            actor=actor,
        )
    except ActionError as error:
        field_error(form, error)
        return _render_packet(request, actor, referral_id, feedback_form=form, status=400)
    if not result.stored:
        return _render_packet(
            request, actor, referral_id, feedback_form=form, feedback_decision=result.decision
        )
    messages.success(request, _("Service feedback sent to the referring agency."))
    return redirect("referrals:packet", referral_id=referral.pk)
