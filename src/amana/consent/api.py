"""GET/POST /api/v1/cases/{id}/consents/ — a case's consent records, through the same read and
write paths as the consent page. A case the user may not open is "not found"."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amana.accounts.errors import NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case, visible_classes
from amana.cases.models import Case, Sensitivity
from amana.consent import access
from amana.consent.actions import do_record_consent
from amana.consent.models import ConsentRecord
from amana.consent.presenters import MASK, reason_text, review_days
from amana.core import limits
from amana.core.web import actor_of


class ConsentIn(serializers.Serializer[Any]):
    given_by = serializers.ChoiceField(choices=ConsentRecord.Giver.choices)
    kind = serializers.ChoiceField(choices=ConsentRecord.Kind.choices)
    purposes = limits.codes()
    recipients = limits.codes()
    services = limits.codes(required=False, allow_null=True, default=None)
    stage = serializers.ChoiceField(choices=ConsentRecord.Stage.choices)
    method = serializers.ChoiceField(choices=ConsentRecord.Method.choices)
    language = serializers.CharField(max_length=16)
    given_on = limits.BoundedDateField(past=True)
    notes = limits.optional_text()
    explained_by = serializers.CharField(
        max_length=limits.CODE_MAX, required=False, allow_blank=True, default="",
        help_text="username of the colleague who explained it; the caller when empty",
    )  # fmt: skip


def consent_view(record: ConsentRecord, *, show_notes: bool) -> dict[str, Any]:
    return {
        "id": str(record.pk),
        "given_by": record.given_by,
        "kind": record.kind,
        "purposes": list(record.purposes),
        "recipients": list(record.recipients),
        "services": list(record.services) if record.services else None,
        "stage": record.stage,
        "method": record.method,
        "language": record.language,
        "given_on": record.given_on.isoformat(),
        "explained_by": record.explained_by.username,
        "recorded_by": record.recorded_by.username,
        "recorded_at": record.recorded_at.isoformat(),
        "notes": (record.notes if show_notes else MASK) if record.notes else "",
        "receipt": reverse("consent:receipt", kwargs={"record_id": record.pk}),
    }


def _reverification(case: Case) -> list[dict[str, str]]:
    days = review_days()
    reasons = access.reverification_due(case, today=timezone.localdate(), max_age_days=days)
    return [{"reason": reason, "text": reason_text(reason, days)} for reason in reasons]


class CaseConsentsView(APIView):
    @extend_schema(
        operation_id="case_consents_list",
        summary="A case's consent and assent records, oldest first, and any re-verification due",
        responses={200: dict, 403: dict, 404: dict},
    )
    def get(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = access_case(actor, case_id, origin=origin_of(request._request))
        if not access.may_read_consents(actor, case):
            raise NotAllowed(Perm.CONSENT_RECORD.value)
        show_notes = Sensitivity.SENSITIVE_PERSONAL in visible_classes(actor)
        records = access.consent_history(actor, case)
        return Response(
            {
                "results": [consent_view(r, show_notes=show_notes) for r in records],
                "reverification": _reverification(case),
            }
        )

    @extend_schema(
        operation_id="case_consents_create",
        summary="Record a consent, assent, refusal or withdrawal",
        request=ConsentIn,
        responses={201: dict, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = access_case(actor, case_id, origin=origin_of(request._request))
        if not actor.has_permission(Perm.CONSENT_RECORD):
            raise NotAllowed(Perm.CONSENT_RECORD.value)
        body = ConsentIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        username = data.pop("explained_by")
        explainer = None
        if username:
            explainer = User.objects.filter(
                username=username, agency_id=case.agency_id, is_active=True
            ).first()
            if explainer is None:
                return Response(
                    {"error": "choose an active colleague of the case's agency",
                     "field": "explained_by"},
                    status=400,
                )  # fmt: skip
        record = do_record_consent(
            case=case,
            explained_by=explainer,
            origin=origin_of(request._request),
            actor=actor,
            **data,
        )
        show_notes = Sensitivity.SENSITIVE_PERSONAL in visible_classes(actor)
        return Response(consent_view(record, show_notes=show_notes), status=status.HTTP_201_CREATED)
