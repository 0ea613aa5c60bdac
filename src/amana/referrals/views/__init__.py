"""Referral pages: refer a child (preview the engine's decision, then send), transfer a case,
share a closed case, the recipient's inbox, the packet and its answer, and the sender's overdue
referrals. Reads through `access.py`, writes through `actions.py`; the server decides again at
sending — the preview is never trusted."""

from amana.referrals.presenters import PAGE_SIZE, display, overdue_flags
from amana.referrals.views.closed import share_closed
from amana.referrals.views.recipient import feedback, inbox, notice_read, packet, respond
from amana.referrals.views.refer import refer, refer_elements
from amana.referrals.views.sent import sent
from amana.referrals.views.transfer import transfer

__all__ = [
    "PAGE_SIZE",
    "display",
    "feedback",
    "inbox",
    "notice_read",
    "overdue_flags",
    "packet",
    "refer",
    "refer_elements",
    "respond",
    "sent",
    "share_closed",
    "transfer",
]
