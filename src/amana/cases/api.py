"""REST API for cases: the same access and actions as the web pages, paginated, audited."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amana.audit.log import origin_of
from amana.cases import access, actions
from amana.cases.models import Case, Child, RelatedPerson
from amana.cases.presenters import case_row, case_view
from amana.core.web import actor_of


class ChildIn(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=300)
    sex = serializers.ChoiceField(choices=Child.Sex.choices, default=Child.Sex.UNKNOWN)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    other_names = serializers.CharField(required=False, allow_blank=True, default="")
    nationality = serializers.CharField(required=False, allow_blank=True, default="")
    individual_id = serializers.CharField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")


class PersonIn(serializers.Serializer[Any]):
    relationship = serializers.ChoiceField(choices=RelatedPerson.Relationship.choices)
    full_name = serializers.CharField(max_length=300)
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    is_caregiver = serializers.BooleanField(default=False)
    lives_with_child = serializers.BooleanField(default=True)


class CaseFactsIn(serializers.Serializer[Any]):
    risk_level = serializers.ChoiceField(choices=Case.Risk.choices)
    concerns = serializers.ListField(child=serializers.CharField(), default=list)
    care_arrangement = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="")
    is_refugee = serializers.BooleanField(default=False)


class RegisterIn(serializers.Serializer[Any]):
    child = ChildIn()
    people = PersonIn(many=True, required=False, default=list)
    case = CaseFactsIn()


class UpdateIn(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1)
    changes = serializers.DictField()


class CaseListView(APIView):
    @extend_schema(
        operation_id="cases_list",
        summary="My cases (assigned or supervised), 50 a page",
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        cases = access.visible_cases(actor).select_related(
            "child", "agency", "supervisor", "location"
        )
        status_filter = request.query_params.get("status")
        if status_filter:
            cases = cases.filter(status=status_filter)
        page = access.audited_page(
            actor, cases.order_by("-registered_at"), request.query_params.get("page"),
            origin=origin_of(request._request),
        )  # fmt: skip
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": [case_row(actor, case) for case in page.object_list],
            }
        )

    @extend_schema(request=RegisterIn, responses={201: dict, 400: dict, 403: dict})
    def post(self, request: Request) -> Response:
        actor = actor_of(request)
        body = RegisterIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = actions.do_register_case(
            child=actions.ChildInput(**data["child"]),
            people=[actions.PersonInput(**person) for person in data["people"]],
            case=actions.CaseInput(**data["case"]),
            origin=origin_of(request._request),
            actor=actor,
        )
        return Response(case_view(actor, case), status=status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    @extend_schema(
        operation_id="case_retrieve",
        summary="One case (the read is audited)",
        responses={200: dict, 404: dict},
    )
    def get(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = access.access_case(actor, case_id, origin=origin_of(request._request))
        return Response(case_view(actor, case))

    @extend_schema(request=UpdateIn, responses={200: dict, 400: dict, 409: dict})
    def patch(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = access.access_case(actor, case_id, origin=origin_of(request._request))
        body = UpdateIn(data=request.data)
        body.is_valid(raise_exception=True)
        updated = actions.do_update_case(
            case=case,
            changes=body.validated_data["changes"],
            expected_version=body.validated_data["version"],
            origin=origin_of(request._request),
            actor=actor,
        )
        return Response(case_view(actor, updated))


class DueTasksView(APIView):
    @extend_schema(
        operation_id="tasks_due_list",
        summary="My open tasks due within a week, overdue ones included",
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        return Response(
            [
                {"case": str(t.case_id), "case_number": t.case.case_number, "kind": t.kind,
                 "due_at": t.due_at.isoformat()}
                for t in access.due_tasks(actor)
            ]
        )  # fmt: skip
