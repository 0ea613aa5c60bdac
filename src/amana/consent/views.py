"""Consent pages: a case's consent history and the record form, the scripts to read out, the
printable blank form and the PDF receipt. Reads through `access.py`, writes through
`actions.py`; a case the user may not open is "not found", as everywhere else."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case, visible_classes
from amana.cases.models import Case, Sensitivity
from amana.consent import access
from amana.consent.actions import do_record_consent
from amana.consent.forms import ConsentForm, Parties, colleagues_on, parties_for
from amana.consent.models import ConsentRecord
from amana.consent.presenters import MASK, reason_text, review_days
from amana.consent.receipt import receipt_pdf
from amana.consent.scripts import UnknownScript, script_for
from amana.consent.vocabulary import (
    CONSENT_PURPOSES,
    SCRIPT_LANGUAGES,
    purpose_label,
)
from amana.core.web import actor_of, guarded

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def _language(request: HttpRequest) -> str:
    """The language asked for with ?lang=, else the page's."""
    asked = request.GET.get("lang", "")
    if asked in SCRIPT_LANGUAGES:
        return asked
    current = (get_language() or "en")[:2]
    return current if current in SCRIPT_LANGUAGES else "en"


# --- The case's consent page --------------------------------------------------------------


@dataclass
class ErrorItem:
    anchor: str
    message: str


def _error_items(form: ConsentForm | None) -> list[ErrorItem]:
    items: list[ErrorItem] = []
    if form is None or not form.is_bound:
        return items
    for name, errors in form.errors.items():
        bound = form[name] if name in form.fields else None
        anchor = (bound.id_for_label or f"{bound.auto_id}_0") if bound is not None else ""
        label = str(bound.label) if bound is not None and bound.label else ""
        for message in errors:
            text = str(message)
            if label and name != NON_FIELD_ERRORS:
                text = _("%(field)s: %(message)s") % {"field": label, "message": text}
            items.append(ErrorItem(anchor, text))
    return items


def _to_field(form: ConsentForm, error: ActionError) -> None:
    top = re.split(r"[\[.]", error.field, maxsplit=1)[0]
    form.add_error(top if top in form.fields else None, error.message)


def _row(record: ConsentRecord, names: dict[str, str], show_notes: bool) -> dict[str, Any]:
    explainer = record.explained_by
    return {
        "id": record.pk,
        "given_on": record.given_on,
        "given_by": record.get_given_by_display(),
        "kind": record.kind,
        "kind_label": record.get_kind_display(),
        "purposes": [purpose_label(code) for code in record.purposes],
        "recipients": [names.get(code, code) for code in record.recipients],
        "services": [code.replace("_", " ") for code in record.services or ()],
        "stage": record.get_stage_display(),
        "method": record.get_method_display(),
        "language": record.language,
        "explained_by": explainer.full_name or explainer.username,
        "recorded_by": record.recorded_by.username,
        "notes": (record.notes if show_notes else MASK) if record.notes else "",
        "receipt": reverse("consent:receipt", kwargs={"record_id": record.pk}),
    }


def _render_case(
    request: HttpRequest,
    actor: User,
    case: Case,
    parties: Parties,
    form: ConsentForm | None,
    *,
    status: int = 200,
) -> HttpResponse:
    records = access.consent_history(actor, case)
    show_notes = Sensitivity.SENSITIVE_PERSONAL in visible_classes(actor)
    days = review_days()
    reasons = access.reverification_due(case, today=timezone.localdate(), max_age_days=days)
    language = _language(request)
    context = {
        "case": case,
        "records": [_row(record, parties.recipients, show_notes) for record in records],
        "reasons": [reason_text(reason, days) for reason in reasons],
        "purposes": [
            {
                "code": code,
                "label": purpose_label(code),
                "script": reverse("consent:script", kwargs={"purpose": code}),
                "form": reverse("consent:form", kwargs={"purpose": code}),
            }
            for code in CONSENT_PURPOSES
        ],
        "form": form,
        "errors": _error_items(form),
        "language_codes": SCRIPT_LANGUAGES,
        "language": language,
    }
    return render(request, "consent/case_consents.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@guarded
def case_consents(request: HttpRequest, case_id: str) -> HttpResponse:
    actor = actor_of(request)
    case = access_case(actor, case_id, origin=origin_of(request))
    if not access.may_read_consents(actor, case):
        raise NotAllowed(Perm.CONSENT_RECORD.value)
    can_record = actor.has_permission(Perm.CONSENT_RECORD)
    if request.method == "POST" and not can_record:
        raise NotAllowed(Perm.CONSENT_RECORD.value)
    parties = parties_for(actor)
    form = None
    if can_record:
        form = ConsentForm(
            request.POST if request.method == "POST" else None,
            parties=parties,
            colleagues=colleagues_on(case, actor),
            language=_language(request),
        )
    if request.method != "POST" or form is None:
        return _render_case(request, actor, case, parties, form)
    if not form.is_valid():
        return _render_case(request, actor, case, parties, form, status=400)
    try:
        record = do_record_consent(
            case=case, origin=origin_of(request), actor=actor, **form.action_input()
        )
    except ActionError as error:
        _to_field(form, error)
        return _render_case(request, actor, case, parties, form, status=400)
    messages.success(
        request,
        _("Recorded: %(kind)s of %(day)s.")
        % {"kind": record.get_kind_display(), "day": record.given_on.isoformat()},
    )
    return redirect(reverse("consent:case", kwargs={"case_id": case.pk}) + f"#record-{record.pk}")


# --- Scripts, the printable form and the receipt -------------------------------------------


def _script(request: HttpRequest, purpose: str, language: str) -> Any:
    try:
        return script_for(purpose, language, agency=actor_of(request).agency.name)
    except UnknownScript:
        raise Http404 from None


@require_GET
def script(request: HttpRequest, purpose: str) -> HttpResponse:
    """The script of a purpose, to read out: for adults and for children."""
    language = _language(request)
    shown = _script(request, purpose, language)
    context = {
        "purpose": purpose,
        "label": purpose_label(purpose),
        "script": shown,
        "script_bidi": translation.get_language_info(language)["bidi"],
        "script_languages": [
            (code, translation.get_language_info(code)["name_local"]) for code in SCRIPT_LANGUAGES
        ],
    }
    return render(request, "consent/script.html", context)


@require_GET
def blank_form(request: HttpRequest, purpose: str) -> HttpResponse:
    """A printable blank consent form for a purpose, in the language asked for (?lang=)."""
    language = _language(request)
    shown = _script(request, purpose, language)
    with translation.override(language):
        context = {
            "purpose": purpose,
            "label": purpose_label(purpose),
            "script": shown,
            "agency": actor_of(request).agency.name,
            "givers": ConsentRecord.Giver.choices,
            "stages": ConsentRecord.Stage.choices,
            "methods": ConsentRecord.Method.choices,
            "script_languages": [
                (code, translation.get_language_info(code)["name_local"])
                for code in SCRIPT_LANGUAGES
            ],
        }
        response = render(request, "consent/blank_form.html", context)
    return response


@require_GET
@guarded
def receipt(request: HttpRequest, record_id: str) -> HttpResponse:
    """The PDF receipt of one record."""
    actor = actor_of(request)
    record = access.access_record(actor, record_id, origin=origin_of(request))
    names = access.recipient_names(record.recipients, parties_for(actor).recipients)
    response = HttpResponse(receipt_pdf(record, names), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="consent-receipt-{record.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
