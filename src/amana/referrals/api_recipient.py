"""REST API for referrals, the receiving side: the inbox, the packet (its read audited, never the
case), accepting, rejecting, service feedback and notices — the same access and actions as the
pages. A referral that is not addressed to the caller's agency is 404, the probe audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.core.web import actor_of
from amana.referrals import access
from amana.referrals.actions import (
    NEW_CASE,
    Intake,
    do_mark_notice_read,
    do_respond_referral,
    do_send_service_feedback,
)
from amana.referrals.api_common import PAGE, paginated
from amana.referrals.models import Referral
from amana.referrals.policy import may_receive
from amana.referrals.presenters import overdue_flags
from amana.referrals.serializers import (
    FeedbackIn,
    RejectIn,
    inbox_row,
    notice_row,
)


def _inbox_rows(referrals: list[Referral]) -> list[dict[str, Any]]:
    late = overdue_flags(referrals)
    return [inbox_row(referral, late[referral.pk]) for referral in referrals]


class InboxView(APIView):
    @extend_schema(
        operation_id="referrals_inbox",
        summary="Referrals addressed to my agency (no child data: open the packet), 50 a page",
        parameters=[
            PAGE,
            OpenApiParameter("status", str, enum=[s.value for s in Referral.Status]),
        ],
        responses={200: dict, 403: dict},
    )
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        if not may_receive(actor):
            raise NotAllowed(Perm.REFERRAL_RECEIVE.value)
        rows = access.inbox(actor).order_by("-sent_at")
        wanted = request.query_params.get("status")
        if wanted:
            rows = rows.filter(status=wanted)
        return Response(paginated(rows, request.query_params.get("page"), _inbox_rows))


class PacketView(APIView):
    @extend_schema(
        operation_id="referral_packet",
        summary="The packet of a referral to my agency (the read is audited); never the case",
        responses={200: dict, 404: dict},
    )
    def get(self, request: Request, referral_id: str) -> Response:
        actor = actor_of(request)
        return Response(access.open_packet(actor, referral_id, origin=origin_of(request._request)))


def _answered(referral: Referral) -> dict[str, Any]:
    """The answer; once accepted, the id of the recipient's case it is worked from."""
    return {
        "id": str(referral.pk),
        "purpose": referral.purpose,
        "status": referral.status,
        "responded_at": referral.responded_at.isoformat() if referral.responded_at else None,
        "received_case": str(referral.received_case_id) if referral.received_case_id else None,
    }


def _intake_of(actor: User, data: Any) -> Intake:
    """The optional body of an accept: `case` ("new", or the id of a case the duplicate check
    offers) and `assignee` (the id of a caseworker of my agency)."""
    data = data if isinstance(data, dict) else {}
    chosen = data.get("assignee")
    assignee = None
    if chosen:
        try:
            assignee = access.case_workers(actor).filter(pk=str(chosen)).first()
        except (ValidationError, ValueError):
            assignee = None
        if assignee is None:
            raise ActionError("assignee", _("Choose an active caseworker of your agency."))
    return Intake(case=str(data.get("case") or NEW_CASE), assignee=assignee)


class AcceptView(APIView):
    @extend_schema(
        operation_id="referral_accept",
        summary="Accept a referral to my agency; the referring agency sees the status",
        description="Accepting gives my agency a case to work from, its id in "
        "`received_case`: a new case opened from the packet (when it holds the child's name), "
        "assigned to me or to `assignee` (a caseworker of my agency), or — with `case` — "
        "an existing case the duplicate check offers on the packet page. Accepting a transfer "
        "(purpose case_transfer) also closes the referring agency's case; consent does not "
        "travel with a case and must be verified again. Opening a case needs CASE_CREATE.",
        request=None,
        responses={200: dict, 400: dict, 404: dict},
    )
    def post(self, request: Request, referral_id: str) -> Response:
        actor = actor_of(request)
        referral = access.access_received_referral(
            actor, referral_id, origin=origin_of(request._request)
        )
        answered = do_respond_referral(
            referral=referral,
            accept=True,
            intake=_intake_of(actor, request.data),
            origin=origin_of(request._request),
            actor=actor,
        )
        return Response(_answered(answered))


class RejectView(APIView):
    @extend_schema(
        operation_id="referral_reject",
        summary="Reject a referral to my agency, saying why (the reason stays with you)",
        request=RejectIn,
        responses={200: dict, 400: dict, 404: dict},
    )
    def post(self, request: Request, referral_id: str) -> Response:
        actor = actor_of(request)
        referral = access.access_received_referral(
            actor, referral_id, origin=origin_of(request._request)
        )
        body = RejectIn(data=request.data)
        body.is_valid(raise_exception=True)
        answered = do_respond_referral(
            referral=referral,
            accept=False,
            reason=body.validated_data["reason"],
            origin=origin_of(request._request),
            actor=actor,
        )
        return Response(_answered(answered))


class ServiceFeedbackView(APIView):
    @extend_schema(
        operation_id="referral_service_feedback",
        summary="Tell the referring agency what became of the service (accepted referrals)",
        description="201: the engine allowed it with the consent on record; the sender sees "
        'what it let through. 200: refused — `"sent": false` and the decision; only the '
        "ledger entry remains. 400: bad input, naming the field.",
        request=FeedbackIn,
        responses={201: dict, 200: dict, 400: dict, 404: dict},
    )
    def post(self, request: Request, referral_id: str) -> Response:
        actor = actor_of(request)
        referral = access.access_received_referral(
            actor, referral_id, origin=origin_of(request._request)
        )
        body = FeedbackIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = do_send_service_feedback(
            referral=referral,
            status=data["service_status"],
            date=data["date"],
            outcome_summary=data["outcome_summary"],
            origin=origin_of(request._request),
            actor=actor,
        )
        return Response(
            {"sent": result.stored, "decision": result.decision},
            status=status.HTTP_201_CREATED if result.stored else status.HTTP_200_OK,
        )


class NoticesView(APIView):
    @extend_schema(
        operation_id="referral_notices",
        summary="What my agency was told about referrals it received (consent withdrawn …)",
        parameters=[PAGE, OpenApiParameter("unread", bool)],
        responses={200: dict, 403: dict},
    )
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        if not may_receive(actor):
            raise NotAllowed(Perm.REFERRAL_RECEIVE.value)
        unread = request.query_params.get("unread") in {"1", "true"}
        found = access.notices(actor, unread_only=unread)
        return Response(
            paginated(
                found, request.query_params.get("page"), lambda rows: [notice_row(n) for n in rows]
            )
        )


class NoticeReadView(APIView):
    @extend_schema(
        operation_id="referral_notice_read",
        summary="Mark a notice to my agency as read",
        request=None,
        responses={204: None, 404: dict},
    )
    def post(self, request: Request, notice_id: str) -> Response:
        actor = actor_of(request)
        notice = access.access_notice(actor, notice_id, origin=origin_of(request._request))
        do_mark_notice_read(notice=notice, origin=origin_of(request._request), actor=actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
