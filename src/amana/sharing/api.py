"""POST /api/v1/sharing/check — the contract's decision over HTTP; the exceptional
circumstances of a case, recorded and approved through the same actions as the web pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amana.accounts.errors import NotAllowed
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case
from amana.core import limits
from amana.core.web import actor_of
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
from amana.sharing.models import ExceptionalCircumstance


class SharingCheckInput(serializers.Serializer[Any]):
    protocol = serializers.CharField(
        max_length=limits.SHORT_TEXT_MAX, help_text="id of a stored protocol; id@N for version N"
    )
    request = serializers.JSONField(help_text="a sharing request as in request.schema.json")


class SharingCheckView(APIView):
    @extend_schema(
        request=SharingCheckInput,
        responses={200: dict, 400: dict, 403: dict},
        summary="Decide one proposed disclosure against a stored protocol",
        examples=[
            OpenApiExample(
                "malformed request",
                value={"error": "at: expected a date like 2026-03-01, got '03/01/2026'"},
                response_only=True,
                status_codes=["400"],
            )
        ],
    )
    def post(self, request: Request) -> Response:
        actor = actor_of(request)
        body = request.data
        if not isinstance(body, dict):
            return _bad("body: expected a JSON object with protocol and request")
        reference = body.get("protocol")
        if not isinstance(reference, str) or not reference.strip():
            return _bad("protocol: expected the id of a stored protocol")
        if "request" not in body:
            return _bad("request: required")
        decision = do_check_sharing(  # a malformed request: 400 with `amana check`'s message
            protocol_ref=reference.strip(),
            request_data=body["request"],
            language=(get_language() or "en")[:2],
            origin=origin_of(request._request),
            actor=actor,
        )
        return Response(decision)


def _bad(message: str) -> Response:
    return Response({"error": message}, status=status.HTTP_400_BAD_REQUEST)


# --- Exceptional circumstances --------------------------------------------------------------


class ExceptionalIn(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ExceptionalCircumstance.Kind.choices)
    description = serializers.CharField(max_length=4000)
    risk_assessment = serializers.CharField(max_length=4000)
    recipient = serializers.CharField(max_length=63, help_text="the recipient agency's id")
    recipient_assessed_safe = serializers.BooleanField()


class ExceptionalDecisionIn(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="",
        help_text="required to reject",
    )  # fmt: skip


def exceptional_view(record: ExceptionalCircumstance, *, full: bool = True) -> dict[str, Any]:
    """One record as the API shows it; `full` adds the (encrypted) texts."""
    shown: dict[str, Any] = {
        "id": str(record.pk),
        "case": str(record.case_id),
        "kind": record.kind,
        "recipient": record.recipient,
        "recipient_assessed_safe": record.recipient_assessed_safe,
        "status": record.status,
        "requested_by": record.requested_by.username,
        "requested_at": record.requested_at.isoformat(),
        "decided_by": record.decided_by.username if record.decided_by else None,
        "decided_at": record.decided_at.isoformat() if record.decided_at else None,
    }
    if full:
        shown |= {
            "description": record.description,
            "risk_assessment": record.risk_assessment,
            "decision_note": record.decision_note,
        }
    return shown


class CaseExceptionalView(APIView):
    @extend_schema(
        operation_id="case_exceptional_list",
        summary="A case's exceptional circumstances, newest first",
        responses={200: dict, 404: dict},
    )
    def get(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = access_case(actor, case_id, origin=origin_of(request._request))
        if not may_read_circumstances(actor, case):
            raise NotAllowed(Perm.CONSENT_RECORD.value)
        return Response(
            {"results": [exceptional_view(r) for r in circumstances_of_case(actor, case)]}
        )

    @extend_schema(
        operation_id="case_exceptional_create",
        summary="Record an exceptional circumstance, pending a supervisor's approval",
        request=ExceptionalIn,
        responses={201: dict, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = access_case(actor, case_id, origin=origin_of(request._request))
        body = ExceptionalIn(data=request.data)
        body.is_valid(raise_exception=True)
        record = do_record_exceptional_circumstance(
            case=case, origin=origin_of(request._request), actor=actor, **body.validated_data
        )
        return Response(exceptional_view(record), status=status.HTTP_201_CREATED)


class ExceptionalPendingView(APIView):
    @extend_schema(
        operation_id="exceptional_pending",
        summary="Exceptional circumstances waiting for my approval (supervisors)",
        responses={200: dict, 403: dict},
    )
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        if not actor.has_permission(Perm.CONSENT_OVERRIDE):
            raise NotAllowed(Perm.CONSENT_OVERRIDE.value)
        records = awaiting_decision(actor)
        return Response({"results": [exceptional_view(r, full=False) for r in records]})


class ExceptionalDecisionView(APIView):
    @extend_schema(
        operation_id="exceptional_decide",
        summary="Approve or reject an exceptional circumstance (the consent override)",
        request=ExceptionalDecisionIn,
        responses={200: dict, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request: Request, record_id: str) -> Response:
        actor = actor_of(request)
        record = access_circumstance(actor, record_id, origin=origin_of(request._request))
        body = ExceptionalDecisionIn(data=request.data)
        body.is_valid(raise_exception=True)
        decided = do_approve_exceptional_circumstance(
            record=record,
            approve=body.validated_data["approve"],
            note=body.validated_data["note"],
            origin=origin_of(request._request),
            actor=actor,
        )
        return Response(exceptional_view(decided))
