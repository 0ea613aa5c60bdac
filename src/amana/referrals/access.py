"""Reading referrals. The recipient agency sees packets addressed to it, never the case;
the sender sees the referrals of cases it may open."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from amana.accounts.models import User
from amana.accounts.roles import Perm, Role
from amana.audit.log import write_read_entry
from amana.audit.lookup import fetch_or_not_found
from amana.cases.access import can_see, visible_cases, visible_classes
from amana.cases.models import Case, Sensitivity
from amana.referrals.models import RecipientNotice, Referral
from amana.referrals.overdue import Overdue, overdue_among
from amana.sharing.models import LedgerEntry


class ReferralNotFound(Http404):
    template = "referrals/not_found.html"
    """No such referral for this user."""


def inbox(actor: User) -> QuerySet[Referral]:
    """Referrals addressed to the actor's agency (REFERRAL_RECEIVE), revoked ones excluded."""
    if not actor.has_permission(Perm.REFERRAL_RECEIVE):
        return Referral.objects.none()
    return (
        Referral.objects.filter(recipient_id=actor.agency_id)
        .exclude(status=Referral.Status.REVOKED)
        .select_related("sender", "sent_by")
    )


def referrals_of_case(actor: User, case: Case) -> QuerySet[Referral]:
    """The referrals sent for a case the actor may open, with their status (process feedback);
    none for anyone else. (A case the page read through `access_case` is known visible.)"""
    if not can_see(actor, case):
        return Referral.objects.none()
    return Referral.objects.filter(case=case).select_related("recipient", "sender")


def access_received_referral(actor: User, referral_id: object, *, origin: str = "") -> Referral:
    """A referral in the actor's agency's inbox, to answer or to give feedback on; for anything
    else (no such id, a malformed one, another agency's) ReferralNotFound, the probe audited."""
    return fetch_or_not_found(
        actor,
        inbox(actor),
        referral_id,
        action="referral.answer",
        object_type="referral",
        origin=origin,
        error=ReferralNotFound,
    )


def access_notice(actor: User, notice_id: object, *, origin: str = "") -> RecipientNotice:
    """A notice to the actor's agency; ReferralNotFound (audited) for anything else."""
    return fetch_or_not_found(
        actor,
        notices(actor),
        notice_id,
        action="referral.notice",
        object_type="notice",
        origin=origin,
        error=ReferralNotFound,
    )


def open_packet(actor: User, referral_id: object, *, origin: str = "") -> dict[str, Any]:
    """The packet as the recipient sees it; the read is audited."""
    referral = fetch_or_not_found(
        actor,
        inbox(actor),
        referral_id,
        action="referral.view",
        object_type="referral",
        origin=origin,
        error=ReferralNotFound,
    )
    write_read_entry(
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
        "purpose": referral.purpose,
        "sent_at": referral.sent_at.isoformat(),
        "values": values,
        "received_case": referral.received_case_id,
        # Who referred the child and how to reach them: their work contact, not the child's
        "referred_by": {
            "name": referral.sent_by.full_name or referral.sent_by.username,
            "phone": referral.sent_by.phone,
            "email": referral.sent_by.email,
        },
    }


def case_workers(actor: User) -> QuerySet[User]:
    """Who may be given a case opened at the actor's agency: its active caseworkers and
    supervisors (never another agency's people, never an account without case work)."""
    return (
        User.objects.filter(
            agency_id=actor.agency_id,
            is_active=True,
            role_grants__role__in=[Role.CASEWORKER, Role.SUPERVISOR],
        )
        .distinct()
        .order_by("username")
    )


def overdue_referrals(actor: User, *, today: date | None = None) -> list[Overdue]:
    """The actor's agency's pending referrals, of cases the actor may open, past the
    protocol's answer period (`request_response_working_days` working days)."""
    if not actor.has_permission(Perm.REFERRAL_SEND):
        return []
    mine = Referral.objects.filter(sender_id=actor.agency_id, case__in=visible_cases(actor))
    return overdue_among(mine, today or timezone.localdate())


def sent_referrals(actor: User, *, status: str = "") -> QuerySet[Referral]:
    """Everything the actor's agency sent, of cases the actor may open or sent by the actor,
    newest first, with its status; `status` keeps one status only. Nothing without
    REFERRAL_SEND."""
    if not actor.has_permission(Perm.REFERRAL_SEND):
        return Referral.objects.none()
    mine = Q(case__in=visible_cases(actor)) | Q(sent_by_id=actor.pk)
    found = Referral.objects.filter(mine, sender_id=actor.agency_id)
    if status:
        found = found.filter(status=status)
    return found.select_related("sender", "recipient", "case").order_by("-sent_at", "pk")


def notices(actor: User, *, unread_only: bool = False) -> QuerySet[RecipientNotice]:
    """What the actor's agency was told about referrals it received (consent withdrawn …),
    unread first. The notice names the referral, never its packet."""
    if not actor.has_permission(Perm.REFERRAL_RECEIVE):
        return RecipientNotice.objects.none()
    found = RecipientNotice.objects.filter(recipient_id=actor.agency_id)
    if unread_only:
        found = found.filter(read_at__isnull=True)
    unread_first = F("read_at").desc(nulls_first=True)
    return found.select_related("referral", "referral__sender").order_by(
        unread_first, "-created_at"
    )


def service_feedback(actor: User, referral: Referral) -> dict[str, Any] | None:
    """The service feedback the engine let through: for the sender's people on the case and
    the recipient agency. ReferralNotFound for anyone else; None when there is none."""
    return _feedback_for(actor, referral, sender_side=can_see(actor, referral.case))


def service_feedbacks(actor: User, referrals: Iterable[Referral]) -> dict[Any, dict[str, Any]]:
    """`service_feedback` of those of `referrals` that have some, by referral id: the same
    readers, each case checked once (a list's cost does not grow with its rows)."""
    sides: dict[Any, bool] = {}
    found: dict[Any, dict[str, Any]] = {}
    for referral in referrals:
        if not referral.service_feedback:
            continue
        if referral.case_id not in sides:
            sides[referral.case_id] = can_see(actor, referral.case)
        given = _feedback_for(actor, referral, sender_side=sides[referral.case_id])
        if given is not None:
            found[referral.pk] = given
    return found


def _feedback_for(actor: User, referral: Referral, *, sender_side: bool) -> dict[str, Any] | None:
    recipient_side = (
        actor.has_permission(Perm.REFERRAL_RECEIVE) and actor.agency_id == referral.recipient_id
    )
    if not (sender_side or recipient_side):
        raise ReferralNotFound
    if not referral.service_feedback:
        return None
    feedback: dict[str, Any] = json.loads(referral.service_feedback)
    return feedback | {"at": referral.service_feedback_at}


def ledger_of_case(actor: User, case: Case) -> QuerySet[LedgerEntry]:
    """Who has received what of this case — every disclosure and refused attempt, newest
    first — for an actor who works on the case and sees its protection data (where a child
    was referred says much about the case); nothing for anyone else."""
    if Sensitivity.PROTECTION not in visible_classes(actor) or not can_see(actor, case):
        return LedgerEntry.objects.none()
    return LedgerEntry.objects.filter(case=case).select_related("actor").order_by("-at")
