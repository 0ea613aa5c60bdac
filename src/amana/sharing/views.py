"""The "Can I share?" page: a caseworker's facts in, the protocol's answer out; and the
exceptional circumstances of a case: recorded by its caseworker, approved by a supervisor."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import Agency, User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case
from amana.core.web import actor_of, field_error, guarded
from amana.protocol import ContractError
from amana.protocols.access import current_versions, engine_protocol, find_version
from amana.protocols.status import status_of
from amana.sharing.access import (
    access_circumstance,
    awaiting_decision,
    circumstances_of_case,
    may_read_circumstances,
)
from amana.sharing.actions import (
    do_approve_exceptional_circumstance,
    do_check_sharing,
    do_record_exceptional_circumstance,
)
from amana.sharing.forms import CanIShareForm, ExceptionalDecisionForm, ExceptionalForm
from amana.sharing.models import ExceptionalCircumstance
from amana.sharing.presenters import readable_decision


@require_http_methods(["GET", "POST"])
def can_i_share(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.has_permission(Perm.SHARING_CHECK):
        return render(request, "sharing/not_allowed.html", status=403)
    versions = current_versions(actor)
    chosen = request.POST.get("protocol") or request.GET.get("protocol") or ""
    version = find_version(actor, chosen) if chosen else (versions[0] if versions else None)
    if version is None:
        return render(request, "sharing/no_protocol.html", {"versions": versions}, status=200)
    protocol = engine_protocol(version)
    form = CanIShareForm(request.POST or None, protocol=protocol, own_agency=actor.agency.slug)
    decision = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                decision = do_check_sharing(
                    protocol_ref=f"{version.protocol_id}@{version.version}",
                    request_data=form.to_request(),
                    language=(get_language() or "en")[:2],
                    origin=origin_of(request),
                    actor=actor,
                )
            except ContractError as exc:
                form.add_error(
                    None, _("These facts cannot be checked: %(problem)s") % {"problem": exc}
                )
                status = 400
        else:
            status = 400
    context = {
        "form": form,
        "version": version,
        "versions": versions,
        "decision": readable_decision(decision) if decision else None,
        "protocol_status": status_of(version, timezone.localdate()),
    }
    return render(request, "sharing/can_i_share.html", context, status=status)


# --- Exceptional circumstances --------------------------------------------------------------


def may_decide(actor: User, record: ExceptionalCircumstance) -> bool:
    return (
        record.status == ExceptionalCircumstance.Status.PENDING
        and actor.has_permission(Perm.CONSENT_OVERRIDE)
        and record.requested_by_id != actor.pk
    )


@require_http_methods(["GET", "HEAD", "POST"])
@guarded
def exceptional_case(request: HttpRequest, case_id: str) -> HttpResponse:
    """A case's exceptional circumstances, and the form to record one."""
    actor = actor_of(request)
    case = access_case(actor, case_id, origin=origin_of(request))
    if not may_read_circumstances(actor, case):
        raise NotAllowed(Perm.CONSENT_RECORD.value)
    can_record = actor.has_permission(Perm.CONSENT_RECORD)
    if request.method == "POST" and not can_record:
        raise NotAllowed(Perm.CONSENT_RECORD.value)
    form = (
        ExceptionalForm(request.POST or None, own_agency_id=case.agency_id) if can_record else None
    )
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                record = do_record_exceptional_circumstance(
                    case=case,
                    kind=form.cleaned_data["kind"],
                    description=form.cleaned_data["description"],
                    risk_assessment=form.cleaned_data["risk_assessment"],
                    recipient=form.cleaned_data["recipient"],
                    recipient_assessed_safe=form.cleaned_data["recipient_assessed_safe"],
                    origin=origin_of(request),
                    actor=actor,
                )
            except ActionError as error:
                field_error(form, error)
            else:
                messages.success(
                    request, _("Recorded. It counts as a basis for sharing once approved.")
                )
                return redirect(reverse("sharing:exceptional", kwargs={"record_id": record.pk}))
        status = 400
    context = {
        "case": case,
        "records": circumstances_of_case(actor, case),
        "form": form,
    }
    return render(request, "sharing/exceptional_case.html", context, status=status)


@require_GET
def exceptional_inbox(request: HttpRequest) -> HttpResponse:
    """Exceptional circumstances waiting for this supervisor's decision."""
    actor = actor_of(request)
    if not actor.has_permission(Perm.CONSENT_OVERRIDE):
        return render(request, "core/forbidden.html", status=403)
    records = list(awaiting_decision(actor))
    return render(request, "sharing/exceptional_inbox.html", {"records": records})


@require_http_methods(["GET", "HEAD", "POST"])
@guarded
def exceptional_detail(request: HttpRequest, record_id: str) -> HttpResponse:
    """One record; a supervisor who may decide approves or rejects it here."""
    actor = actor_of(request)
    record = access_circumstance(actor, record_id, origin=origin_of(request))
    decidable = may_decide(actor, record)
    if request.method == "POST" and not decidable:
        raise NotAllowed(Perm.CONSENT_OVERRIDE.value)
    form = ExceptionalDecisionForm(request.POST or None) if decidable else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                do_approve_exceptional_circumstance(
                    record=record,
                    approve=approve,
                    note=form.cleaned_data["note"],
                    origin=origin_of(request),
                    actor=actor,
                )
            except ActionError as error:
                field_error(form, error)
            else:
                messages.success(request, _("Approved.") if approve else _("Rejected."))
                return redirect(reverse("sharing:exceptional_inbox"))
        status = 400
    context = {
        "record": record,
        "case": record.case,
        "form": form,
        "recipient_name": Agency.objects.filter(slug=record.recipient)
        .values_list("name", flat=True)
        .first()
        or record.recipient,
    }
    return render(request, "sharing/exceptional_detail.html", context, status=status)
