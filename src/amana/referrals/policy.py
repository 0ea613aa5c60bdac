"""Who may do what with referrals: one answer for the page (show the button) and the action
(refuse). Access to the records themselves is `access.py`'s."""

from __future__ import annotations

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.cases.access import can_see
from amana.cases.models import Case
from amana.referrals.models import RecipientNotice, Referral


def may_refer(actor: User) -> bool:
    """The actor's role sends referrals at all (the case still has to be theirs)."""
    return actor.has_permission(Perm.REFERRAL_SEND)


def can_send_referral(actor: User, case: Case) -> bool:
    """Refer, share a closed case or send a transfer of this case."""
    return may_refer(actor) and can_see(actor, case)


def may_transfer(actor: User) -> bool:
    return may_refer(actor) and actor.has_permission(Perm.CASE_EDIT)


def can_transfer_case(actor: User, case: Case) -> bool:
    """A transfer hands the whole case over: sending and editing cases both."""
    return may_transfer(actor) and can_see(actor, case)


def may_receive(actor: User) -> bool:
    return actor.has_permission(Perm.REFERRAL_RECEIVE)


def can_answer_referral(actor: User, referral: Referral) -> bool:
    """Accept, reject or give feedback on a referral addressed to the actor's agency."""
    return may_receive(actor) and actor.agency_id == referral.recipient_id


def can_read_notice(actor: User, notice: RecipientNotice) -> bool:
    return may_receive(actor) and actor.agency_id == notice.recipient_id


def can_open_transferred_case(actor: User) -> bool:
    """Accepting a transfer opens a case at the actor's agency."""
    return actor.has_permission(Perm.CASE_CREATE)
