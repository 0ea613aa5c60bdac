"""REST API for referrals: the same access, decisions and actions as the pages.

Sending answers 201 with the decision and the referral when the protocol allows it, and 200
with `"sent": false`, the decision ("deny", its reasons) and no referral when it does not: the
refusal is a decision, recorded in the sharing ledger, not an error of the request. Bad input
is 400 naming the field; a case or referral that is not the caller's is 404; a caller without
the permission is 403.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amana.accounts.errors import NotAllowed
from amana.accounts.models import Agency, User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.cases.access import access_case
from amana.cases.models import Case
from amana.core.web import actor_of
from amana.protocols.access import engine_protocol
from amana.referrals import access
from amana.referrals.actions import (
    ReferralInput,
    decide_referral,
    do_send_referral,
)
from amana.referrals.api_common import PAGE, paginated
from amana.referrals.elements import packet_values
from amana.referrals.models import Referral
from amana.referrals.policy import can_send_referral
from amana.referrals.presenters import no_phone_warning, overdue_flags, services_of
from amana.referrals.serializers import (
    ReferralIn,
    ledger_row,
    sent_row,
)
from amana.referrals.vocabulary import CLOSED_CASE_PURPOSES
from amana.sharing.disclosure import protocol_version
from amana.sharing.models import LedgerEntry

DENIED_EXAMPLE = OpenApiExample(
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
BAD_ELEMENT = OpenApiExample(
    "unknown element",
    value={"error": "invalid input", "fields": {"elements": ["Unknown data element: soul"]}},
    response_only=True,
    status_codes=["400"],
)


def _feedback(given: dict[str, Any] | None) -> dict[str, Any] | None:
    """The service feedback the engine let through to the sender, if any, as the API gives
    it (read through `access.service_feedbacks`, which checks the reader again)."""
    if given is None:
        return None
    at = given.get("at")
    return given | {"at": at.isoformat() if at else None}


def _sent_rows(actor: User) -> Any:
    def rows(referrals: list[Referral]) -> list[dict[str, Any]]:
        late = overdue_flags(referrals)
        given = access.service_feedbacks(actor, referrals)
        return [
            sent_row(referral, feedback=_feedback(given.get(referral.pk)))
            | {"overdue": late[referral.pk]}
            for referral in referrals
        ]

    return rows


def _ledger_rows(entries: list[LedgerEntry]) -> list[dict[str, Any]]:
    names = dict(
        Agency.objects.filter(slug__in={e.recipient for e in entries}).values_list("slug", "name")
    )
    return [ledger_row(entry, names.get(entry.recipient, entry.recipient)) for entry in entries]


def _referral_input(request: Request, case: Case) -> ReferralInput:
    version = protocol_version(case.agency.slug)
    services = services_of(engine_protocol(version) if version else None)
    body = ReferralIn(data=request.data, services={row["name"]: row for row in services})
    body.is_valid(raise_exception=True)
    data = body.validated_data
    return ReferralInput(
        recipient=data["recipient"],
        service=data["service"],
        legal_basis=data["legal_basis"],
        elements=data["elements"],
        written={k: v.strip() for k, v in data["written"].items() if k in data["elements"]},
        label=data["label"].strip(),
        contact_method=data["contact_method"],
        purpose=data["purpose"],
    )


def _check_purpose(case: Case, data: ReferralInput) -> None:
    """A closed-case purpose needs a closed case (the action checks again at sending)."""
    if data.purpose in CLOSED_CASE_PURPOSES and case.status != Case.Status.CLOSED:
        raise ValidationError(
            {"purpose": [_("Only a closed case can be shared for this purpose.")]}
        )


def _case_for_sending(request: Request, case_id: str) -> Case:
    actor = actor_of(request)
    case = access_case(actor, case_id, origin=origin_of(request._request))
    if not can_send_referral(actor, case):
        raise NotAllowed(Perm.REFERRAL_SEND.value)
    return case


class ReferralPreviewView(APIView):
    @extend_schema(
        operation_id="case_referral_preview",
        summary="What a referral would send: the engine's decision and the values to be frozen",
        description="Nothing is sent or recorded in the ledger; the case read is audited. "
        "Sending decides again. `warnings` names what the sender should look at before sending "
        "(contact by phone with no phone number in the packet). 400: bad input, or a request "
        "the protocol check cannot take, naming the field.",
        request=ReferralIn,
        responses={200: dict, 400: dict, 403: dict, 404: dict},
        examples=[BAD_ELEMENT],
    )
    def post(self, request: Request, case_id: str) -> Response:
        case = _case_for_sending(request, case_id)
        data = _referral_input(request, case)
        _check_purpose(case, data)
        decided = decide_referral(case, data)
        values = packet_values(case, decided.shared, data.written)
        no_phone = no_phone_warning(data, values)
        return Response(
            {
                "decision": decided.explained,
                "protocol": decided.protocol,
                "recipient": data.recipient,
                "values": json.loads(json.dumps(values, default=str)),
                "warnings": [{"field": "contact_method", "text": no_phone}] if no_phone else [],
            }
        )


class CaseReferralsView(APIView):
    @extend_schema(
        operation_id="case_referrals_list",
        summary="The referrals of a case with their status (process feedback), 50 a page",
        description="Each row carries the service feedback the engine let through to the "
        "referring agency (`service_feedback`: status, date, outcome summary, when it came; "
        "only what the consent on record allowed), or null.",
        parameters=[PAGE],
        responses={200: dict, 404: dict},
    )
    def get(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = access_case(actor, case_id, origin=origin_of(request._request))
        rows = access.referrals_of_case(actor, case).order_by("-sent_at")
        return Response(paginated(rows, request.query_params.get("page"), _sent_rows(actor)))

    @extend_schema(
        operation_id="case_referral_send",
        summary="Send a referral: decided again on the server, then sent (201) or refused (200)",
        description="201: allowed; the packet holds only the allowed elements, frozen now. "
        '200: refused by the protocol — `"sent": false`, the decision with its reasons, no '
        "referral; the attempt is in the sharing ledger. 400: bad input, naming the field.",
        request=ReferralIn,
        responses={201: dict, 200: dict, 400: dict, 403: dict, 404: dict},
        examples=[DENIED_EXAMPLE, BAD_ELEMENT],
    )
    def post(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = _case_for_sending(request, case_id)
        data = _referral_input(request, case)
        _check_purpose(case, data)
        result = do_send_referral(
            case=case, data=data, origin=origin_of(request._request), actor=actor
        )
        if result.referral is None:
            return Response({"sent": False, "referral": None, "decision": result.decision})
        return Response(
            {"sent": True, "referral": sent_row(result.referral), "decision": result.decision},
            status=status.HTTP_201_CREATED,
        )


class CaseLedgerView(APIView):
    @extend_schema(
        operation_id="case_ledger",
        summary="Who has received what of a case: the sharing ledger, newest first, 50 a page",
        description="Every disclosure of the case's data and every refused attempt: when, to "
        "whom, for what purpose and service, on which basis, the decision with its reason "
        "codes, the elements asked for and those shared — never their values. Where a child "
        "was referred says much about the case: the ledger is listed only to people who work "
        "on the case and see its protection data; for others who may open the case it is "
        "empty, as on the case page. 404 for a case the caller may not open.",
        parameters=[PAGE],
        responses={200: dict, 404: dict},
    )
    def get(self, request: Request, case_id: str) -> Response:
        actor = actor_of(request)
        case = access_case(actor, case_id, origin=origin_of(request._request))
        entries = access.ledger_of_case(actor, case).order_by("-at", "-pk")
        return Response(paginated(entries, request.query_params.get("page"), _ledger_rows))
