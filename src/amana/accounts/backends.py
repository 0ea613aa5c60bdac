"""Log-in and the signed-in user of each request, in one query.

Django's `ModelBackend` reads the user of a request by id; then every page read their agency
(the header shows it, audit entries name it), their roles (every permission check) and, twice,
their two-factor devices (the login wall and the layout ask whether a second factor is due):
five queries before the page did anything. `AccountBackend` reads the user with their agency
and, as two subqueries of the same statement, the roles they hold (one bit per role) and
whether they have a confirmed two-factor device. Log-in itself is ModelBackend's, unchanged.

The subqueries are plain SQL written once per process (they cost next to nothing to add to a
query, where ORM expressions for seven roles and each kind of device cost about a millisecond
of Python a request); they are the same in PostgreSQL and SQLite.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django_otp import device_classes

from amana.accounts.models import RoleGrant, User
from amana.accounts.roles import Role

ROLE_BITS = {role: 1 << number for number, role in enumerate(Role.values)}


@cache
def _role_bits_sql() -> str:
    grants = RoleGrant._meta.db_table
    user = User._meta.db_table
    cases = " ".join(f"WHEN '{role}' THEN {bit}" for role, bit in ROLE_BITS.items())
    # Table names and role values from the code, never from input.
    return (
        f"SELECT COALESCE(SUM(CASE role {cases} ELSE 0 END), 0) FROM {grants}"  # noqa: S608
        f' WHERE {grants}.user_id = "{user}"."id"'
    )


@cache
def _has_device_sql() -> str:
    user = User._meta.db_table
    checks = [
        f"EXISTS (SELECT 1 FROM {model._meta.db_table} WHERE"  # noqa: S608 - names from the code
        f' {model._meta.db_table}.user_id = "{user}"."id" AND {model._meta.db_table}.confirmed)'
        for model in device_classes()
    ]
    return "CASE WHEN " + " OR ".join(checks or ["1 = 0"]) + " THEN 1 ELSE 0 END"


def with_roles_and_devices(users: QuerySet[User]) -> QuerySet[User]:
    """`users` with their agency, `role_bits` (ROLE_BITS of the roles held, summed) and
    `device_flag` (1 when they have a confirmed two-factor device)."""
    roles = RawSQL(_role_bits_sql(), ())  # noqa: S611 - no parameters, SQL from the code
    device = RawSQL(_has_device_sql(), ())  # noqa: S611 - the same
    return users.select_related("agency").annotate(role_bits=roles, device_flag=device)


def settle_flags(user: User) -> User:
    """Turn the figures of `with_roles_and_devices` into the user's roles (as `User.roles`
    would read them) and `has_confirmed_device` (as `django_otp.user_has_device`)."""
    bits = int(getattr(user, "role_bits", 0) or 0)
    user._roles_cache = frozenset(role for role, bit in ROLE_BITS.items() if bits & bit)
    user.has_confirmed_device = bool(getattr(user, "device_flag", 0))  # type: ignore[attr-defined]
    return user


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            found = with_roles_and_devices(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return settle_flags(found) if self.user_can_authenticate(found) else None
