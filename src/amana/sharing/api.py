"""POST /api/v1/sharing/check — the contract's decision over HTTP."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amana.accounts.errors import NotAllowed
from amana.accounts.models import User
from amana.audit.log import origin_of
from amana.protocol import ContractError
from amana.sharing.actions import do_check_sharing


class SharingCheckInput(serializers.Serializer[Any]):
    protocol = serializers.CharField(help_text="id of a stored protocol; id@N for version N")
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
        actor = request.user
        assert isinstance(actor, User)
        body = request.data
        if not isinstance(body, dict):
            return _bad("body: expected a JSON object with protocol and request")
        reference = body.get("protocol")
        if not isinstance(reference, str) or not reference.strip():
            return _bad("protocol: expected the id of a stored protocol")
        if "request" not in body:
            return _bad("request: required")
        try:
            decision = do_check_sharing(
                protocol_ref=reference.strip(),
                request_data=body["request"],
                language=(get_language() or "en")[:2],
                origin=origin_of(request._request),
                actor=actor,
            )
        except ContractError as exc:
            return _bad(str(exc))  # the same message `amana check` prints
        except NotAllowed:
            return Response(
                {"error": "you may not check sharing"}, status=status.HTTP_403_FORBIDDEN
            )
        return Response(decision)


def _bad(message: str) -> Response:
    return Response({"error": message}, status=status.HTTP_400_BAD_REQUEST)
