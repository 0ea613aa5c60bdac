"""Referring a child to a service of the protocol in force — now, or for services later."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amana.accounts.errors import NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case
from amana.cases.models import Case
from amana.core.web import actor_of, guarded, is_htmx
from amana.protocols.access import engine_protocol
from amana.referrals import access
from amana.referrals.actions import ReferralInput
from amana.referrals.forms import ReferralForm
from amana.referrals.models import Referral
from amana.referrals.policy import can_send_referral
from amana.referrals.presenters import FUTURE, PURPOSE, purpose_elements, services_of
from amana.referrals.views.flow import Flow, preview_or_send
from amana.sharing.disclosure import protocol_version


def _refer_context(actor: User, case: Case) -> dict[str, Any]:
    version = protocol_version(case.agency.slug)
    protocol = engine_protocol(version) if version else None
    return {
        "case": case,
        "version": version,
        "services": services_of(protocol),
        "future_elements": purpose_elements(protocol, FUTURE),
        "referrals": access.referrals_of_case(actor, case),
    }


def _render_refer(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    if is_htmx(request) and request.method == "POST":
        return render(request, "referrals/_panel.html", context, status=status)
    return render(request, "referrals/refer.html", context, status=status)


def _case_for_referring(request: HttpRequest, case_id: str) -> tuple[User, Case]:
    actor = actor_of(request)
    case = access_case(actor, case_id, origin=origin_of(request))
    if not can_send_referral(actor, case):
        raise NotAllowed(Perm.REFERRAL_SEND.value)
    return actor, case


def _wired(form: ReferralForm, case: Case) -> ReferralForm:
    """Changing the service (or the purpose) re-ticks its agreed elements: htmx swaps the
    "What to send" ticks only — the texts written so far stay, and never go into a URL."""
    url = reverse("referrals:refer_elements", kwargs={"case_id": case.pk})
    for name, other in (("service", "#id_purpose"), ("purpose", "#id_service")):
        form.fields[name].widget.attrs.update(
            {
                "hx-get": url,
                "hx-trigger": "change",
                "hx-target": "#referral-elements",
                "hx-swap": "outerHTML",
                "hx-include": other,
            }
        )
    return form


def _chosen_form(request: HttpRequest, context: dict[str, Any]) -> ReferralForm | None:
    """The form for the service named in the query, its agreed elements ticked."""
    services = context["services"]
    chosen = next((s for s in services if s["name"] == request.GET.get("service")), None)
    if chosen is None:
        return None
    purpose = FUTURE if request.GET.get("purpose") == FUTURE else PURPOSE
    context["chosen"] = chosen
    initial = ReferralForm.initial_for(chosen, purpose, context["future_elements"])
    form = ReferralForm(
        initial=initial, services=services, future_elements=context["future_elements"]
    )
    return _wired(form, context["case"])


def _sent_message(referral: Referral) -> str:
    return _("Referral sent to %(agency)s. It shows here as pending until they answer.") % {
        "agency": referral.recipient.name
    }


@require_http_methods(["GET", "HEAD", "POST"])
@guarded
def refer(request: HttpRequest, case_id: str) -> HttpResponse:
    """GET: choose a service, then the details. POST: the preview → send flow."""
    actor, case = _case_for_referring(request, case_id)
    context = _refer_context(actor, case)
    services = context["services"]
    if request.method != "POST":
        form = _chosen_form(request, context)
        if form is not None:
            context["form"] = form
        return _render_refer(request, context)
    form = ReferralForm(request.POST, services=services, future_elements=context["future_elements"])
    context["form"] = _wired(form, case)

    def read(valid: ReferralForm) -> ReferralInput:
        context["chosen"] = valid.services[valid.cleaned_data["service"]]
        return valid.referral_input()

    flow = Flow(page=_render_refer, read=read, sent_message=_sent_message)
    return preview_or_send(request, flow, actor=actor, case=case, form=form, context=context)


@require_GET
@guarded
def refer_elements(request: HttpRequest, case_id: str) -> HttpResponse:
    """The "What to send" ticks for the service (and purpose) chosen: the htmx swap when the
    service select changes. Without htmx, the refer page for that service."""
    actor, case = _case_for_referring(request, case_id)
    context = _refer_context(actor, case)
    form = _chosen_form(request, context)
    if not is_htmx(request) or form is None:
        url = reverse("referrals:refer", kwargs={"case_id": case.pk})
        if form is not None:
            url += "?" + request.GET.urlencode()
        return redirect(url)
    context["form"] = form
    return render(request, "referrals/_elements.html", context)
