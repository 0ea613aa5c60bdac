"""The main navigation of the layout, worked out in Python once per page.

Each entry: the permission that shows it (its name: `core` sits below `accounts`), where it
leads, its name, and which pages mark it current (`aria-current="page"`). The layout prints
the entries the user may use; the addresses are resolved once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    permission: str | None  # None: everyone signed in
    url_name: str
    label: Promise
    current: Callable[[str], bool]


def _is(*names: str) -> Callable[[str], bool]:
    return lambda current: current in names


ENTRIES = (
    Entry(None, "core:home", _("Home"), _is("core:home")),
    Entry(
        "CASE_VIEW",
        "cases:list",
        _("Cases"),
        lambda current: (
            current.startswith("cases:")
            and current != "cases:approvals"
            and not current.startswith("cases:form_admin")
        ),
    ),
    Entry("CASE_APPROVE", "cases:approvals", _("Approvals"), _is("cases:approvals")),
    Entry(
        "CONSENT_OVERRIDE",
        "sharing:exceptional_inbox",
        _("Exceptional sharing"),
        _is("sharing:exceptional_inbox"),
    ),
    Entry("REPORT_VIEW", "reports:index", _("Reports"), lambda c: c.startswith("reports:")),
    Entry(
        "FORM_MANAGE", "cases:form_admin", _("Forms"), lambda c: c.startswith("cases:form_admin")
    ),
    Entry(
        "REFERRAL_RECEIVE",
        "referrals:inbox",
        _("Referrals"),
        lambda c: c.startswith("referrals:") and c != "referrals:refer",
    ),
    Entry("SHARING_CHECK", "sharing:can_i_share", _("Can I share?"), _is("sharing:can_i_share")),
    Entry(
        "PROTOCOL_VIEW", "protocols:list", _("Protocols"), _is("protocols:list", "protocols:detail")
    ),
    Entry("USER_VIEW", "accounts:users", _("Users"), _is("accounts:users")),
    Entry(None, "notifications:list", _("Notifications"), _is("notifications:list")),
    Entry("JOB_VIEW", "ops:failed_jobs", _("Failed jobs"), _is("ops:failed_jobs")),
)
# The entry whose badge counts the user's unread notifications (kept on the user row: no query).
BADGED = "notifications:list"

_addresses: dict[str, dict[str, str]] = {}


def _address(url_name: str) -> str:
    by_name = _addresses.setdefault(get_script_prefix(), {})
    if url_name not in by_name:
        by_name[url_name] = reverse(url_name)
    return by_name[url_name]


def entries_for(user: Any, current: str | None) -> list[dict[str, Any]]:
    """The entries `user` may use, each with its address, its name in the active language and
    whether the page (`current`, its URL name) is under it; `badge`, a count to show beside it."""
    permissions: frozenset[str] = getattr(user, "permissions", frozenset())
    here = current or ""
    return [
        {
            "url": _address(entry.url_name),
            "label": str(entry.label),
            "current": entry.current(here),
            "badge": getattr(user, "unread_notifications", 0) if entry.url_name == BADGED else 0,
        }
        for entry in ENTRIES
        if entry.permission is None or entry.permission in permissions
    ]
