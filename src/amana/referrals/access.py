"""Reading referrals. The recipient agency sees packets addressed to it, never the case;
the sender sees the referrals of cases it may open."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.cases.access import visible_cases
from amana.cases.models import Case
from amana.referrals.models import Referral


class ReferralNotFound(Http404):
    """No such referral for this user."""


def inbox(actor: User) -> QuerySet[Referral]:
    """Referrals addressed to the actor's agency (REFERRAL_RECEIVE), revoked ones excluded."""
    if not actor.has_permission(Perm.REFERRAL_RECEIVE):
        return Referral.objects.none()
    return (
        Referral.objects.filter(recipient_id=actor.agency_id)
        .exclude(status=Referral.Status.REVOKED)
        .select_related("sender")
    )


def referrals_of_case(actor: User, case: Case) -> QuerySet[Referral]:
    """The referrals sent for a case the actor may open, with their status (process feedback)."""
    return Referral.objects.filter(case__in=visible_cases(actor), case=case).select_related(
        "recipient"
    )


def open_packet(actor: User, referral_id: object, *, origin: str = "") -> dict[str, Any]:
    """The packet as the recipient sees it; the read is audited."""
    referral = inbox(actor).filter(pk=str(referral_id)).first() if _is_uuid(referral_id) else None
    if referral is None:
        raise ReferralNotFound
    write_entry(
        actor=actor,
        action="referral.view",
        object_type="referral",
        object_id=referral.pk,
        origin=origin,
    )
    values: dict[str, Any] = json.loads(referral.packet)
    return {
        "id": str(referral.pk),
        "from": referral.sender.name,
        "service": referral.service,
        "label": referral.label,
        "contact_method": referral.contact_method,
        "status": referral.status,
        "sent_at": referral.sent_at.isoformat(),
        "values": values,
    }


def _is_uuid(value: object) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
