"""`{% agency_protocol_status as protocol_status %}`: the standing of the viewer's protocol."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from amana.accounts.models import User
from amana.protocols.status import ProtocolStatus, protocol_status

register = template.Library()


@register.simple_tag(takes_context=True)
def agency_protocol_status(context: dict[str, Any]) -> ProtocolStatus | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return None
    return protocol_status(user.agency, timezone.localdate())


@register.filter
def protocol_explanation(status: ProtocolStatus, language: str) -> str:
    """The engine's explanation of a stop, in the page's language."""
    return status.explanation((language or "en")[:2])
