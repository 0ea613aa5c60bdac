"""The only read path for users: who may see which accounts."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from amana.accounts import policy
from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.audit.lookup import as_uuid


def visible_users(actor: User) -> QuerySet[User]:
    """Agency admins and supervisors see their own agency's users; system admins see all."""
    if not policy.can_view_users(actor):
        return User.objects.none()
    users = User.objects.select_related("agency").prefetch_related("role_grants")
    if policy.is_system_admin(actor):
        return users
    return users.filter(agency_id=actor.agency_id)


def access_user(actor: User, user_id: object) -> User:
    """One visible user, or not-found whether or not the account exists."""
    key = as_uuid(user_id)
    user = visible_users(actor).filter(pk=key).first() if key is not None else None
    if user is None:
        raise Http404
    return user


def manageable_users(actor: User) -> QuerySet[User]:
    """Accounts the actor may change: own agency for agency admins, all for system admins."""
    if not policy.can_manage_users(actor):
        return User.objects.none()
    if policy.is_system_admin(actor):
        return User.objects.all()
    return User.objects.filter(agency_id=actor.agency_id)


def supervisors_of(agency_id: int) -> QuerySet[User]:
    """Active supervisors of an agency: whom a caseworker may name as a case's supervisor.

    Usernames only are shown; no USER_VIEW is needed to see who can supervise one's cases.
    """
    return User.objects.filter(
        agency_id=agency_id, is_active=True, role_grants__role=Role.SUPERVISOR
    ).order_by("username")
