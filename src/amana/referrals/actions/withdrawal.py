"""Withdrawal after sharing (TN "Consent can be fluid"): when a refusal or withdrawal is
recorded, the case's pending referrals it covers are revoked, and every recipient that holds a
covered referral is told — in the transaction that records the withdrawal
(`consent.actions.do_record_consent` sends `consent.signals.refusal_recorded`; the
referrals app connects `on_refusal_recorded` in `apps.ReferralsConfig.ready`).

Covered means what the engine would refuse now (rules.md R3.1, R4.5): the referral rests on
consent (or shares a closed case), and the record names its purpose, recipient and service or
leaves the list empty (an empty list refuses everything it could name). Referrals on another
basis (best interests, exceptional circumstances) stand: refusal does not decide them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from amana.accounts.models import User
from amana.audit.log import write_entry
from amana.consent.models import ConsentRecord
from amana.referrals.models import RecipientNotice, Referral
from amana.referrals.notices import referral_withdrawn
from amana.referrals.vocabulary import CLOSED_CASE_PURPOSES

REFUSING = frozenset({ConsentRecord.Kind.REFUSAL.value, ConsentRecord.Kind.WITHDRAWAL.value})
STILL_HELD = (Referral.Status.PENDING, Referral.Status.ACCEPTED)


def covers(record: ConsentRecord, referral: Referral) -> bool:
    """The refusal or withdrawal applies to this referral."""
    if referral.legal_basis != "consent" and referral.purpose not in CLOSED_CASE_PURPOSES:
        return False
    if record.purposes and referral.purpose not in record.purposes:
        return False
    if record.recipients and referral.recipient.slug not in record.recipients:
        return False
    return not record.services or referral.service in record.services


def revoke_after_withdrawal(
    record: ConsentRecord, *, actor: User, origin: str = ""
) -> list[Referral]:
    """Revoke the covered pending referrals; notify the recipients of those and of the covered
    accepted ones (they hold the data). Returns the referrals whose recipients were told."""
    if record.kind not in REFUSING:
        return []
    held = (
        Referral.objects.select_for_update(of=("self",))
        .filter(case_id=record.case_id, status__in=STILL_HELD)
        .select_related("recipient")
    )
    told = [referral for referral in held if covers(record, referral)]
    now = timezone.now()
    for referral in told:
        revoked = referral.status == Referral.Status.PENDING
        if revoked:
            referral.status, referral.revoked_at = Referral.Status.REVOKED, now
            referral.save(update_fields=["status", "revoked_at"])
        referral_withdrawn(referral, revoked=revoked, actor=actor)
        RecipientNotice.objects.create(
            recipient=referral.recipient,
            referral=referral,
            kind=RecipientNotice.Kind.CONSENT_WITHDRAWN,
            created_at=now,
        )
        write_entry(
            actor=actor,
            action="referral.revoke" if revoked else "referral.notify_withdrawal",
            object_type="referral",
            object_id=referral.pk,
            origin=origin,
            details={"consent_record": str(record.pk), "to": referral.recipient.slug},
        )
    return told


def on_refusal_recorded(
    sender: object, *, record: ConsentRecord, actor: User, origin: str = "", **_: Any
) -> None:
    """The receiver of `consent.signals.refusal_recorded`."""
    revoke_after_withdrawal(record, actor=actor, origin=origin)
