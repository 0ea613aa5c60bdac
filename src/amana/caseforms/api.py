"""REST API for a case's forms and a supervisor's approvals."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amana.accounts.models import User
from amana.audit.log import origin_of
from amana.caseforms import access as form_access
from amana.caseforms import actions
from amana.caseforms.models import FormRecord
from amana.cases import access
from amana.core import limits
from amana.core.web import actor_of


class FormIn(serializers.Serializer[Any]):
    form_id = serializers.CharField(max_length=64)
    values = limits.BoundedDictField(help_text="the form's fields by id")
    submit = serializers.BooleanField(default=False)


class FormUpdateIn(serializers.Serializer[Any]):
    values = limits.BoundedDictField(help_text="the form's fields by id")
    submit = serializers.BooleanField(default=False)
    version = serializers.IntegerField(min_value=1, max_value=limits.VERSION_MAX)


class DecisionIn(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = limits.optional_text()


def record_view(actor: User, record: FormRecord) -> dict[str, Any]:
    return {
        "id": str(record.pk),
        "form_id": record.form.form_id,
        "form_version": record.form.version,
        "status": record.status,
        "version": record.version,
        "created_by": record.created_by.username,
        "decision_note": record.decision_note,
        "values": form_access.readable_form_data(actor, record),
    }


class CaseFormsView(APIView):
    @extend_schema(
        operation_id="case_forms_list",
        summary="The forms of a case, masked for the reader",
        responses={200: dict},
    )
    def get(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = access.access_case(actor, case_id, origin=origin_of(request._request))
        return Response([record_view(actor, r) for r in form_access.case_forms(actor, case)])

    @extend_schema(request=FormIn, responses={201: dict, 400: dict, 403: dict})
    def post(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = access.access_case(actor, case_id, origin=origin_of(request._request))
        body = FormIn(data=request.data)
        body.is_valid(raise_exception=True)
        given = body.validated_data
        record = actions.do_save_form(
            case=case,
            form_id=given["form_id"],
            data=given["values"],
            submit=given["submit"],
            origin=origin_of(request._request),
            actor=actor,
        )
        return Response(record_view(actor, record), status=201)


class CaseFormView(APIView):
    @extend_schema(request=FormUpdateIn, responses={200: dict, 400: dict, 409: dict})
    def put(self, request: Request, case_id: str, record_id: str) -> Response:
        actor = actor_of(request)
        case = access.access_case(actor, case_id, origin=origin_of(request._request))
        record = form_access.access_case_form(
            actor, case, record_id, origin=origin_of(request._request)
        )
        body = FormUpdateIn(data=request.data)
        body.is_valid(raise_exception=True)
        saved = actions.do_save_form(
            case=case, form_id=record.form.form_id, data=body.validated_data["values"],
            submit=body.validated_data["submit"], record=record,
            expected_version=body.validated_data["version"],
            origin=origin_of(request._request), actor=actor,
        )  # fmt: skip
        return Response(record_view(actor, saved))


class ApprovalsView(APIView):
    @extend_schema(
        operation_id="approvals_list",
        summary="Forms waiting for my approval",
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        return Response(
            [
                {"record": str(r.pk), "case": str(r.case_id), "case_number": r.case.case_number,
                 "form_id": r.form.form_id, "submitted_by": r.created_by.username}
                for r in form_access.approvals_inbox(actor)
            ]
        )  # fmt: skip


class ApprovalView(APIView):
    @extend_schema(request=DecisionIn, responses={200: dict, 400: dict, 403: dict, 404: dict})
    def post(self, request: Request, record_id: str) -> Response:
        actor = actor_of(request)
        record = form_access.access_pending_form(
            actor, record_id, origin=origin_of(request._request)
        )
        body = DecisionIn(data=request.data)
        body.is_valid(raise_exception=True)
        decided = actions.do_decide_form(
            record=record, approve=body.validated_data["approve"],
            note=body.validated_data["note"], origin=origin_of(request._request), actor=actor,
        )  # fmt: skip
        return Response(record_view(actor, decided))
