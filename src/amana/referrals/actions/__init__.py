"""The only write path for referrals, one module a step: `send` (refer, share a closed case,
transfer — `transfer`), `respond` (accept, reject, process feedback, notices), `feedback`
(service feedback), `received` (the case opened by an accepted transfer), `intake` (the case
an accepted referral is worked from), `reminders` (overdue referrals), `withdrawal` (revoking
what a refusal covers). Each top-level action is `do_<verb>_<noun>(…, *, actor)` in a durable
transaction with its audit entry; every disclosure is decided and recorded on the one path,
`amana.sharing.disclosure`."""

from amana.referrals.actions.feedback import FeedbackResult, do_send_service_feedback
from amana.referrals.actions.intake import INTAKE_PURPOSES, NEW_CASE, Intake, packet_duplicates
from amana.referrals.actions.reminders import Reminder, do_record_reminders
from amana.referrals.actions.respond import do_mark_notice_read, do_respond_referral
from amana.referrals.actions.send import (
    ReferralInput,
    SendResult,
    check_referral,
    decide_referral,
    do_send_referral,
)
from amana.referrals.actions.transfer import do_send_transfer, transfer_input

__all__ = [
    "INTAKE_PURPOSES",
    "NEW_CASE",
    "FeedbackResult",
    "Intake",
    "ReferralInput",
    "Reminder",
    "SendResult",
    "check_referral",
    "decide_referral",
    "do_mark_notice_read",
    "do_record_reminders",
    "do_respond_referral",
    "do_send_referral",
    "do_send_service_feedback",
    "do_send_transfer",
    "packet_duplicates",
    "transfer_input",
]
