"""The referrals section of the case page: statuses flowing back (process feedback), the
service feedback the engine let through, and the sharing ledger — who has received what."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import OuterRef, Subquery

from amana.accounts.models import Agency, User
from amana.accounts.roles import Perm
from amana.cases.models import Case
from amana.refdata.labels import BASES, PURPOSES, label
from amana.referrals import access
from amana.referrals.models import Referral
from amana.referrals.presenters import element_label, service_label
from amana.referrals.vocabulary import SERVICE_STATUSES, TRANSFER

register = template.Library()
LEDGER_ROWS = 50


def _feedback(given: dict[str, Any] | None) -> dict[str, Any] | None:
    if given is None:
        return None
    status = given.get("status", "")
    return given | {"status_label": str(SERVICE_STATUSES.get(status, status))}


@register.inclusion_tag("referrals/_case_referrals.html", takes_context=True)
def case_referrals(context: template.Context, case: Case) -> dict[str, Any]:
    from amana.referrals.presenters import overdue_flags

    actor = context["request"].user
    if not isinstance(actor, User):
        return {"case": case, "rows": [], "ledger": []}
    # The packet and the reasons are not shown here: not read either.
    referrals = list(access.referrals_of_case(actor, case).defer("packet", "response_reason"))
    for referral in referrals:
        referral.case = case  # the case the page read: nothing read again per referral
    late = overdue_flags(referrals)
    given = access.service_feedbacks(actor, referrals)
    rows = [
        {
            "referral": referral,
            "service": service_label(referral.service),
            "overdue": late[referral.pk],
            "feedback": _feedback(given.get(referral.pk)),
        }
        for referral in referrals
    ]
    recipient_name = Agency.objects.filter(slug=OuterRef("recipient")).values("name")[:1]
    entries = list(
        access.ledger_of_case(actor, case).annotate(recipient_name=Subquery(recipient_name))[
            :LEDGER_ROWS
        ]
    )
    ledger = [
        {
            "entry": entry,
            "recipient": entry.recipient_name or entry.recipient,
            "service": service_label(entry.service) if entry.service else "",
            "purpose": label(PURPOSES, entry.purpose),
            "basis": label(BASES, entry.legal_basis),
            "shared": ", ".join(element_label(name) for name in entry.shared),
        }
        for entry in entries
    ]
    return {
        "case": case,
        "rows": rows,
        "ledger": ledger,
        "ledger_full": len(entries) == LEDGER_ROWS,
        **_actions(actor, case, referrals),
    }


def _actions(actor: User, case: Case, referrals: list[Referral]) -> dict[str, Any]:
    """What may be sent from the case as it stands: a transferred case sends nothing more;
    an open one is referred or transferred; a closed one is shared for later or archived."""
    transfers = [r for r in referrals if r.purpose == TRANSFER]
    moved = next((r for r in transfers if r.status == Referral.Status.ACCEPTED), None)
    waiting = next((r for r in transfers if r.status == Referral.Status.PENDING), None)
    may_send = actor.has_permission(Perm.REFERRAL_SEND)
    is_open = case.status == Case.Status.OPEN
    return {
        "transferred": case.status == Case.Status.TRANSFERRED,
        "transferred_to": moved,
        "transfer_waiting": waiting,
        "can_refer": may_send and is_open,
        "can_transfer": may_send
        and is_open
        and waiting is None
        and actor.has_permission(Perm.CASE_EDIT),
        "can_share_closed": may_send and case.status == Case.Status.CLOSED,
    }
