"""Who may manage agencies and accounts: one predicate per question, asked by both sides.

The user management page asks them to decide what to show; the actions (`actions.py`) ask the
same ones and refuse with `NotAllowed` (or, for a role the actor may not grant, an
`ActionError` on the roles field). The permissions come from the roles table
(`amana.accounts.roles.ROLES`). An agency administrator manages the accounts of their own
agency; a system administrator those of every agency.
"""

from __future__ import annotations

from typing import Final

from amana.accounts.models import User
from amana.accounts.roles import Perm, Role

# Roles only a system administrator may grant.
ADMIN_ONLY_ROLES: Final = frozenset({Role.SYSTEM_ADMIN.value})
# An authenticator secret is shown only this many seconds after the password was re-typed.
ENROLMENT_WINDOW_SECONDS: Final = 10 * 60


def is_system_admin(actor: User) -> bool:
    return Role.SYSTEM_ADMIN in actor.roles


def can_create_agency(actor: User) -> bool:
    return actor.has_permission(Perm.AGENCY_MANAGE)


def can_view_users(actor: User) -> bool:
    """Open the list of accounts (own agency's; every agency's for a system administrator)."""
    return actor.has_permission(Perm.USER_VIEW)


def can_manage_users(actor: User) -> bool:
    """Change some accounts — which ones, `can_manage_agency_users` says."""
    return actor.has_permission(Perm.USER_MANAGE)


def can_manage_agency_users(actor: User, agency_id: int) -> bool:
    """Create, change and deactivate the accounts of this agency."""
    return can_manage_users(actor) and (is_system_admin(actor) or actor.agency_id == agency_id)


def can_manage_user(actor: User, user: User) -> bool:
    """Change this account's roles, reset its password, or deactivate it."""
    return can_manage_agency_users(actor, user.agency_id)


def can_enrol_authenticator(
    actor: User, *, has_confirmed_device: bool, reauthenticated_at: float | None, now: float
) -> bool:
    """See a new authenticator secret: only an account with no confirmed authenticator (one
    that has one adds no other through a password alone), and only within the enrolment
    window after re-typing the password on the enrolment page."""
    if not actor.is_active or has_confirmed_device or reauthenticated_at is None:
        return False
    return 0 <= now - reauthenticated_at <= ENROLMENT_WINDOW_SECONDS


def can_grant_role(actor: User, role: str) -> bool:
    """Give this role to an account the actor manages."""
    return role not in ADMIN_ONLY_ROLES or is_system_admin(actor)
