"""REST API for cases: the same access and actions as the web pages, paginated, audited."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amana.audit.log import origin_of
from amana.cases import access, actions
from amana.cases.models import Case, Child, RelatedPerson
from amana.cases.presenters import case_row, case_view
from amana.core import limits
from amana.core.web import actor_of


class ChildIn(serializers.Serializer[Any]):
    full_name = limits.text(limits.NAME_MAX)
    sex = serializers.ChoiceField(choices=Child.Sex.choices, default=Child.Sex.UNKNOWN)
    date_of_birth = limits.BoundedDateField(birth=True, required=False, allow_null=True)
    other_names = limits.optional_text(limits.NAME_MAX)
    nationality = limits.optional_text(limits.CODE_MAX)  # Child.nationality holds 64
    individual_id = limits.optional_text(limits.CODE_MAX)
    contact_phone = limits.optional_text(limits.PHONE_MAX)
    address = limits.optional_text(limits.ADDRESS_MAX)


class PersonIn(serializers.Serializer[Any]):
    relationship = serializers.ChoiceField(choices=RelatedPerson.Relationship.choices)
    full_name = limits.text(limits.NAME_MAX)
    contact_phone = limits.optional_text(limits.PHONE_MAX)
    is_caregiver = serializers.BooleanField(default=False)
    lives_with_child = serializers.BooleanField(default=True)


class CaseFactsIn(serializers.Serializer[Any]):
    risk_level = serializers.ChoiceField(choices=Case.Risk.choices)
    concerns = limits.codes()
    care_arrangement = limits.optional_text(limits.CODE_MAX)
    location = limits.optional_text(limits.CODE_MAX)
    is_refugee = serializers.BooleanField(default=False)


class RegisterIn(serializers.Serializer[Any]):
    child = ChildIn()
    people = PersonIn(  # type: ignore[call-arg]  # ListSerializer takes max_length
        many=True, max_length=limits.PEOPLE_MAX, required=False, default=list
    )
    case = CaseFactsIn()


class ChangesIn(serializers.Serializer[Any]):
    """The case facts a PATCH may change, each checked for its type like on registration."""

    risk_level = serializers.ChoiceField(choices=Case.Risk.choices, required=False)
    concerns = serializers.ListField(
        child=serializers.CharField(max_length=limits.CODE_MAX),
        max_length=limits.LIST_MAX,
        required=False,
    )
    care_arrangement = serializers.CharField(
        max_length=limits.CODE_MAX, allow_blank=True, required=False
    )
    location = serializers.CharField(max_length=limits.CODE_MAX, allow_blank=True, required=False)
    is_refugee = serializers.BooleanField(required=False)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("This field cannot be changed here.")] for name in unknown}
                )
        return super().to_internal_value(data)


class UpdateIn(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, max_value=limits.VERSION_MAX)
    changes = ChangesIn()


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
