"""REST API for case transfers and the sender's overdue referrals: the same access, decisions
and actions as the pages.

A transfer is a referral with purpose case_transfer: the preview shows the engine's decision
(the protocol's exclusions — drafts … — held back) and the values that would be frozen; sending
answers 201 when allowed and 200 `"sent": false` when refused (the refusal is on the ledger).
The recipient accepts it through POST /api/v1/referrals/{id}/accept, which answers the id of the
new case (`received_case`). Bad input is 400 naming the field; a case that is not the caller's
is 404; a caller without REFERRAL_SEND and CASE_EDIT is 403.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amana.accounts.errors import NotAllowed
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case
from amana.cases.models import Case
from amana.core.web import actor_of
from amana.referrals import access
from amana.referrals.actions import (
    ReferralInput,
    decide_referral,
    do_send_referral,
    transfer_input,
)
from amana.referrals.elements import packet_values
from amana.referrals.policy import can_transfer_case, may_refer
from amana.referrals.presenters import PAGE_SIZE
from amana.referrals.serializers import TransferIn, sent_row

REFUSED = OpenApiExample(
    "refused by the protocol",
    value={
        "sent": False,
        "referral": None,
        "decision": {
            "decision": "deny",
            "share": [],
            "withhold": [],
            "label": None,
            "reasons": [{"code": "consent.missing", "text": "…", "source": "…"}],
            "obligations": [],
        },
    },
    response_only=True,
    status_codes=["200"],
)
BAD_RECIPIENT = OpenApiExample(
    "the sending agency itself",
    value={"error": "Choose another agency.", "field": "recipient"},
    response_only=True,
    status_codes=["400"],
)


def _case_for_transfer(request: Request, case_id: str) -> Case:
    """404 for a case the caller may not open; NotAllowed without the permissions."""
    actor = actor_of(request)
    case = access_case(actor, case_id, origin=origin_of(request._request))
    if not can_transfer_case(actor, case):
        raise NotAllowed(Perm.REFERRAL_SEND.value)
    return case


def _transfer_input(request: Request) -> ReferralInput:
    body = TransferIn(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    return transfer_input(
        recipient=data["recipient"], legal_basis=data["legal_basis"], elements=data.get("elements")
    )


class TransferPreviewView(APIView):
    @extend_schema(
        operation_id="case_transfer_preview",
        summary="What a transfer would send: the engine's decision and the values to be frozen",
        description="The protocol's exclusions from a transfer (drafts, caseworker notes …) are "
        "in `decision.withhold` with their reasons. Nothing is sent or recorded in the ledger; "
        "the case read is audited. Sending decides again.",
        request=TransferIn,
        responses={200: dict, 400: dict, 403: dict, 404: dict},
    )
    def post(self, request: Request, case_id: str) -> Response:
        case = _case_for_transfer(request, case_id)
        data = _transfer_input(request)
        decided = decide_referral(case, data)
        values = packet_values(case, decided.shared, data.written)
        return Response(
            {
                "decision": decided.explained,
                "protocol": decided.protocol,
                "recipient": data.recipient,
                "values": json.loads(json.dumps(values, default=str)),
            }
        )


class TransferView(APIView):
    @extend_schema(
        operation_id="case_transfer_send",
        summary="Transfer a case: decided again on the server, then sent (201) or refused (200)",
        description="201: allowed; the packet holds only the allowed parts of the file, frozen "
        "now; the case stays open until the recipient accepts. 200: refused by the protocol — "
        '`"sent": false`, the decision with its reasons; the attempt is in the sharing ledger. '
        "400: bad input or a case that cannot be transferred (closed, transferred, a transfer "
        "already waiting), naming the field.",
        request=TransferIn,
        responses={201: dict, 200: dict, 400: dict, 403: dict, 404: dict},
        examples=[REFUSED, BAD_RECIPIENT],
    )
    def post(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = _case_for_transfer(request, case_id)
        data = _transfer_input(request)
        result = do_send_referral(
            case=case, data=data, origin=origin_of(request._request), actor=actor
        )
        if result.referral is None:
            return Response({"sent": False, "referral": None, "decision": result.decision})
        return Response(
            {"sent": True, "referral": sent_row(result.referral), "decision": result.decision},
            status=status.HTTP_201_CREATED,
        )


class OverdueView(APIView):
    @extend_schema(
        operation_id="referrals_overdue",
        summary="My agency's referrals still unanswered after the protocol's response period",
        description="Pending referrals of cases I may open, past `request_response_working_days` "
        "working days (Monday to Friday), oldest first, with how many working days late.",
        parameters=[OpenApiParameter("page", int, description="page number, 50 a page")],
        responses={200: dict, 403: dict},
    )
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        if not may_refer(actor):
            raise NotAllowed(Perm.REFERRAL_SEND.value)
        page = Paginator(access.overdue_referrals(actor), PAGE_SIZE).get_page(
            request.query_params.get("page")
        )
        results: list[dict[str, Any]] = [
            sent_row(item.referral)
            | {
                "case": {
                    "id": str(item.referral.case_id),
                    "case_number": item.referral.case.case_number,
                },
                "due_on": item.due_on.isoformat(),
                "working_days_late": item.working_days_late,
            }
            for item in page.object_list
        ]
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": results,
            }
        )
