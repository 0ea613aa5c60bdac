"""Who hears of what happens to a referral (amana.notifications), inside the actions'
transactions: the recipient agency's users who receive referrals, and the sender's
caseworker who sent it. The recipient side is told the sending agency, never the sender's
case number; the sender side is told its own case number."""

from __future__ import annotations

from django.urls import reverse

from amana.accounts.models import User
from amana.accounts.roles import ROLES, Perm
from amana.notifications import kinds
from amana.notifications.actions.notify import notify
from amana.referrals.models import Referral

RECEIVING_ROLES = sorted(
    role for role, rights in ROLES.items() if Perm.REFERRAL_RECEIVE in rights.permissions
)


def receivers_of(agency_id: int) -> list[object]:
    """The agency's active users who may receive referrals (ids)."""
    users = User.objects.filter(
        agency_id=agency_id, is_active=True, role_grants__role__in=RECEIVING_ROLES
    )
    return list(users.values_list("pk", flat=True).distinct())


def _to_recipient(referral: Referral, kind: str, *, actor: User | None, once: str = "") -> None:
    notify(
        receivers_of(referral.recipient_id),
        kind,
        params={"sender": referral.sender.name},
        link=reverse("referrals:packet", args=[referral.pk]),
        actor=actor,
        once_key=once,
    )


def _to_sender(referral: Referral, kind: str, *, actor: User | None, once: str = "") -> None:
    notify(
        [referral.sent_by_id],
        kind,
        params={"case": referral.case.case_number, "recipient": referral.recipient.name},
        link=reverse("cases:detail", args=[referral.case_id]),
        actor=actor,
        once_key=once,
    )


def referral_received(referral: Referral, *, actor: User) -> None:
    _to_recipient(referral, kinds.REFERRAL_RECEIVED, actor=actor)


def referral_answered(referral: Referral, *, accepted: bool, actor: User) -> None:
    kind = kinds.REFERRAL_ACCEPTED if accepted else kinds.REFERRAL_DECLINED
    _to_sender(referral, kind, actor=actor)


def referral_overdue(referral: Referral) -> None:
    """Both sides hear once per referral that its answer is overdue."""
    once = f"referral.overdue:{referral.pk}"
    _to_recipient(referral, kinds.REFERRAL_OVERDUE_RECEIVED, actor=None, once=once)
    _to_sender(referral, kinds.REFERRAL_OVERDUE_SENT, actor=None, once=once)


def referral_withdrawn(referral: Referral, *, revoked: bool, actor: User) -> None:
    """Consent was withdrawn: a pending referral is revoked, an accepted one stays held."""
    kind = kinds.REFERRAL_REVOKED if revoked else kinds.REFERRAL_CONSENT_WITHDRAWN
    _to_recipient(referral, kind, actor=actor)
