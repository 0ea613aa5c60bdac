"""API conventions: errors are JSON that name the field and the problem.

Every API view lets the domain's exceptions through and this handler answers them, so no view
maps errors of its own: bad input to an action (`ActionError`) is 400 naming the field, a
malformed sharing request (`ContractError`) 400 naming the key, a refused action (`NotAllowed`)
403, a save over someone else's change (`EditConflict`) 409 saying who changed what and when,
anything not found or not the caller's 404 — always `{"error": …}`, with `fields` where fields
are at fault.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from amana.core.errors import ActionError, EditConflict, NotAllowed
from amana.protocol import ContractError


def _domain_error(exc: Exception) -> Response | None:
    if isinstance(exc, ActionError):
        body = {"error": str(exc.message), "field": exc.field, "fields": {exc.field: [exc.message]}}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ContractError):
        return Response({"error": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, EditConflict):
        body = {
            "error": _("This was changed by someone else after you opened it."),
            "changed_by": exc.changed_by,
            "changed_fields": exc.changed_fields,
            "changed_at": exc.at,
        }
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotAllowed):
        return Response(
            {"error": _("You may not do this."), "permission": str(exc)},
            status=status.HTTP_403_FORBIDDEN,
        )
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    domain = _domain_error(exc)
    if domain is not None:
        return domain
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        response.data = {"error": str(data["detail"])}
    elif isinstance(data, dict):
        response.data = {"error": _("invalid input"), "fields": data}
    return response
