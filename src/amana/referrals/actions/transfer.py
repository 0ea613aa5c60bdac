"""Sending a case to another agency (rules.md R4.6): a referral with purpose case_transfer.

The packet holds the parts of the case file the engine allows; the protocol's exclusions from a
transfer (caseworker notes, drafts …) are withheld by the engine, on the ledger like any other
decision. Acceptance is `respond.do_respond_referral`; the new case is `received.py`'s.
"""

from __future__ import annotations

from collections.abc import Sequence

from amana.accounts.models import User
from amana.cases.models import Case
from amana.referrals.actions.send import ReferralInput, SendResult, do_send_referral
from amana.referrals.vocabulary import TRANSFER, TRANSFER_ELEMENTS


def transfer_input(
    *,
    recipient: str,
    legal_basis: str,
    elements: Sequence[str] | None = None,
    written: dict[str, str] | None = None,
    label: str = "",
    contact_method: str = "",
) -> ReferralInput:
    """A transfer request; without `elements` it asks for the whole case file's parts."""
    return ReferralInput(
        recipient=recipient,
        service="",
        legal_basis=legal_basis,
        elements=list(elements if elements is not None else TRANSFER_ELEMENTS),
        written=dict(written or {}),
        label=label,
        contact_method=contact_method,
        purpose=TRANSFER,
    )


def do_send_transfer(
    *,
    case: Case,
    recipient: str,
    legal_basis: str,
    elements: Sequence[str] | None = None,
    written: dict[str, str] | None = None,
    label: str = "",
    contact_method: str = "",
    origin: str = "",
    actor: User,
) -> SendResult:
    """Decide and send a transfer (same checks, ledger and audit as every referral)."""
    data = transfer_input(
        recipient=recipient,
        legal_basis=legal_basis,
        elements=elements,
        written=written,
        label=label,
        contact_method=contact_method,
    )
    return do_send_referral(case=case, data=data, origin=origin, actor=actor)
