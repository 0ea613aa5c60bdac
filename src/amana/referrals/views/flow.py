"""The one preview → send flow of the pages that disclose a case: refer, share a closed case,
transfer. A valid POST with step=preview shows the engine's decision with the values that
would be frozen; step=send decides again on the server (the preview is never trusted), then
either sends — a message, back to the case — or shows the refusal with its reasons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from amana.accounts.errors import ActionError
from amana.accounts.models import User
from amana.audit.log import origin_of
from amana.cases.models import Case
from amana.core.web import field_error
from amana.referrals.actions import ReferralInput, do_send_referral
from amana.referrals.models import Referral
from amana.referrals.presenters import decision_view
from amana.referrals.views.common import preview

Page = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Flow:
    """What differs between the pages: how a page renders, how a valid form reads as a
    referral, and what the message says once it went."""

    page: Page
    read: Callable[[Any], ReferralInput]
    sent_message: Callable[[Referral], str]


def preview_or_send(
    request: HttpRequest,
    flow: Flow,
    *,
    actor: User,
    case: Case,
    form: forms.Form,
    context: dict[str, Any],
) -> HttpResponse:
    if not form.is_valid():
        return flow.page(request, context, status=400)
    data = flow.read(form)
    if request.POST.get("step") != "send":
        decision = preview(form, case, data)
        if decision is None:
            return flow.page(request, context, status=400)
        context["decision"] = decision
        return flow.page(request, context)
    try:
        result = do_send_referral(case=case, data=data, origin=origin_of(request), actor=actor)
    except ActionError as error:
        field_error(form, error)
        return flow.page(request, context, status=400)
    if result.referral is not None:
        messages.success(request, flow.sent_message(result.referral))
        return redirect(reverse("cases:detail", kwargs={"case_id": case.pk}) + "#referrals")
    context["decision"] = decision_view(case, data, result.decision, with_values=False)
    context["refused"] = True
    return flow.page(request, context)
