"""Answering a referral: the recipient accepts or rejects it (accepting a transfer opens the
recipient's own case), the answer goes back to the sender as process feedback — a disclosure
decided and recorded on the one path like any other — and notices are marked read."""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.referrals.actions.intake import Intake, check_intake, take_in
from amana.referrals.actions.received import check_can_receive, receive_transfer
from amana.referrals.models import RecipientNotice, Referral
from amana.referrals.notices import referral_answered
from amana.referrals.policy import can_answer_referral, can_read_notice
from amana.referrals.vocabulary import TRANSFER
from amana.sharing import disclosure
from amana.sharing.disclosure import Intent

PROCESS_FEEDBACK = Intent(
    recipient="",
    purpose="feedback_process",
    legal_basis="consent",
    elements=("referral_status", "status_date"),
)


@transaction.atomic(durable=True)
def do_respond_referral(
    *,
    referral: Referral,
    accept: bool,
    reason: str = "",
    intake: Intake | None = None,
    origin: str = "",
    actor: User,
) -> Referral:
    """The recipient accepts or rejects; the sender sees the status (process feedback).

    Accepting gives the recipient agency a case to work from, in this same transaction: a new
    case opened from the packet (assigned to the actor or `intake.assignee`), or the existing
    case the duplicate check found (`intake.case`). Accepting a transfer also closes the
    sender's case as transferred.
    """
    if not can_answer_referral(actor, referral):
        raise NotAllowed(Perm.REFERRAL_RECEIVE.value)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.PENDING:
        raise ActionError("status", _("This referral was already answered."))
    if not accept and not reason.strip():
        raise ActionError("reason", _("Say why the referral is rejected."))
    transfer = accept and referral.purpose == TRANSFER
    intake = intake or Intake()
    link = None
    if transfer:
        check_can_receive(referral, actor)
    if accept:
        link = check_intake(referral, actor, intake)
    referral.status = Referral.Status.ACCEPTED if accept else Referral.Status.REJECTED
    referral.responded_by, referral.responded_at = actor, timezone.now()
    referral.response_reason = reason.strip()[:300]
    referral.save()
    _record_process_feedback(referral, actor)
    referral_answered(referral, accepted=accept, actor=actor)
    write_entry(
        actor=actor,
        action="referral.accept" if accept else "referral.reject",
        object_type="referral",
        object_id=referral.pk,
        origin=origin,
        details={"purpose": referral.purpose},
    )
    if transfer:
        receive_transfer(referral, actor=actor, assignee=intake.assignee, origin=origin)
    elif accept:
        take_in(referral, intake=intake, link=link, actor=actor, origin=origin)
    return referral


@transaction.atomic(durable=True)
def do_mark_notice_read(*, notice: RecipientNotice, origin: str = "", actor: User) -> None:
    """A user of the recipient agency has read a notice (consent withdrawn …)."""
    if not can_read_notice(actor, notice):
        raise NotAllowed(Perm.REFERRAL_RECEIVE.value)
    updated = RecipientNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if updated:
        write_entry(
            actor=actor,
            action="referral.notice_read",
            object_type="referral",
            object_id=notice.referral_id,
            origin=origin,
            details={"notice": str(notice.pk), "kind": notice.kind},
        )


def _record_process_feedback(referral: Referral, actor: User) -> None:
    """The answer travels back to the referring agency as process feedback, on the ledger.
    With no protocol listing the two agencies there is nothing to record it under."""
    intent = dataclasses.replace(PROCESS_FEEDBACK, recipient=referral.sender.slug)
    decided = disclosure.decide(referral.case, intent, sender=referral.recipient.slug)
    if decided.protocol != disclosure.NO_PROTOCOL:
        disclosure.record(decided, actor=actor)
