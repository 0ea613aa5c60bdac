"""The only write path for agencies, users, roles and second factors. Each action asks its
predicate of `policy.py` (the one the pages ask too) and audits in its transaction."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts import policy
from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import Agency, RoleGrant, User
from amana.accounts.roles import Perm, Role
from amana.audit.log import write_entry

TOTP_DEVICE_NAME = "authenticator"
TEMPORARY_PASSWORD_BYTES = 12


def _refuse_unless(allowed: bool, perm: Perm) -> None:
    """Refuse unless the policy predicate (`amana.accounts.policy`) allowed the action."""
    if not allowed:
        raise NotAllowed(perm.value)


def _clean_roles(actor: User, roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    if not chosen:
        raise ActionError("roles", _("Choose at least one role."))
    unknown = [role for role in chosen if role not in Role.values]
    if unknown:
        raise ActionError("roles", _("Unknown role: %(role)s") % {"role": unknown[0]})
    if not all(policy.can_grant_role(actor, role) for role in chosen):
        raise ActionError("roles", _("Only a system administrator can grant that role."))
    return chosen


def _check_password(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ActionError(field, " ".join(exc.messages)) from exc


@transaction.atomic(durable=True)
def do_create_agency(
    *, slug: str, name: str, kind: str, case_prefix: str = "", actor: User | None
) -> Agency:
    """Create an agency. `actor` None is the operator at the command line (demo, set-up).
    `case_prefix` starts its case numbers (empty: the slug in capitals)."""
    if actor is not None:
        _refuse_unless(policy.can_create_agency(actor), Perm.AGENCY_MANAGE)
    if kind not in Agency.Kind.values:
        raise ActionError(
            "kind", _("Expected one of: %(kinds)s") % {"kinds": ", ".join(Agency.Kind.values)}
        )
    agency = Agency(slug=slug, name=name, kind=kind, case_prefix=case_prefix)
    try:
        agency.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ActionError(field, " ".join(messages)) from exc
    agency.save()
    write_entry(actor=actor, action="agency.create", object_type="agency", object_id=agency.slug)
    return agency


@transaction.atomic(durable=True)
def do_create_user(
    *,
    agency: Agency,
    username: str,
    password: str,
    roles: Iterable[str],
    full_name: str = "",
    email: str = "",
    phone: str = "",
    actor: User | None,
) -> User:
    """Create an account in `agency`. Agency admins may only create users in their own agency."""
    bootstrap = actor is None
    if actor is not None:
        _refuse_unless(policy.can_manage_agency_users(actor, agency.pk), Perm.USER_MANAGE)
        chosen = _clean_roles(actor, roles)
    else:
        chosen = sorted(set(roles))
    if User.objects.filter(username__iexact=username).exists():
        raise ActionError("username", _("This username is taken."))
    user = User(
        username=username, agency=agency, full_name=full_name, email=email, phone=phone.strip()
    )
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ActionError(field, " ".join(messages)) from exc
    if not bootstrap:
        _check_password(password, user)
    user.set_password(password)
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in chosen])
    write_entry(
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.pk,
        details={"agency": agency.slug, "roles": chosen},
    )
    return user


@transaction.atomic(durable=True)
def do_set_user_roles(*, user: User, roles: Iterable[str], actor: User) -> User:
    _refuse_unless(policy.can_manage_user(actor, user), Perm.USER_MANAGE)
    chosen = _clean_roles(actor, roles)
    if user.pk == actor.pk and Role.AGENCY_ADMIN in actor.roles and Role.AGENCY_ADMIN not in chosen:
        raise ActionError("roles", _("You cannot remove your own administrator role."))
    before = sorted(user.roles)
    RoleGrant.objects.filter(user=user).exclude(role__in=chosen).delete()
    for role in chosen:
        RoleGrant.objects.get_or_create(user=user, role=role)
    user.forget_roles()
    write_entry(
        actor=actor,
        action="user.set_roles",
        object_type="user",
        object_id=user.pk,
        details={"before": before, "after": chosen},
    )
    return user


@transaction.atomic(durable=True)
def do_deactivate_user(*, user: User, actor: User) -> User:
    _refuse_unless(policy.can_manage_user(actor, user), Perm.USER_MANAGE)
    if user.pk == actor.pk:
        raise ActionError("user", _("You cannot deactivate your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    write_entry(actor=actor, action="user.deactivate", object_type="user", object_id=user.pk)
    return user


@transaction.atomic(durable=True)
def do_change_password(
    *, old_password: str, new_password: str, new_password_again: str, origin: str = "", actor: User
) -> User:
    """The actor chooses a new password: the old one first, the new one twice, Django's
    validators. Clears a forced change (`must_change_password`)."""
    if not actor.is_active:
        raise NotAllowed("PASSWORD_CHANGE")
    if not actor.check_password(old_password):
        raise ActionError("old_password", _("That is not your current password."))
    if new_password != new_password_again:
        raise ActionError("new_password_again", _("The two new passwords differ."))
    if new_password == old_password:
        raise ActionError("new_password", _("Choose a password different from the old one."))
    _check_password(new_password, actor, field="new_password")
    forced = actor.must_change_password
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    write_entry(
        actor=actor,
        action="user.change_password",
        object_type="user",
        object_id=actor.pk,
        origin=origin,
        details={"forced": forced},
    )
    return actor


@transaction.atomic(durable=True)
def do_reset_password(*, user: User, origin: str = "", actor: User) -> str:
    """An administrator gives `user` a temporary password (returned, shown once, never
    stored in clear or audited) that must be changed at the next log-in. The user's other
    sessions end (their session hash no longer matches)."""
    _refuse_unless(policy.can_manage_user(actor, user), Perm.USER_MANAGE)
    if user.pk == actor.pk:
        raise ActionError("user", _("Change your own password on the password page."))
    temporary = secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    write_entry(
        actor=actor,
        action="user.reset_password",
        object_type="user",
        object_id=user.pk,
        origin=origin,
    )
    return temporary


@transaction.atomic(durable=True)
def do_record_login(*, user: User, outcome: str, origin: str) -> None:
    write_entry(
        actor=user,
        action="auth.login",
        object_type="user",
        object_id=user.pk,
        outcome=outcome,
        origin=origin,
    )


@transaction.atomic(durable=True)
def do_start_totp_enrolment(
    *,
    resume: object = None,
    reauthenticated_at: float | None = None,
    origin: str = "",
    actor: User,
) -> TOTPDevice:
    """The authenticator the actor is setting up: the unconfirmed one they began (`resume`, its
    id kept in their session), else a new one, its creation audited. It counts as a second
    factor only once `do_confirm_totp_device` confirms it. Refused unless the actor has no
    confirmed authenticator and re-typed their password moments ago (`reauthenticated_at`,
    seconds since the epoch): its secret is about to be shown."""
    has_device = TOTPDevice.objects.filter(user=actor, confirmed=True).exists()
    allowed = policy.can_enrol_authenticator(
        actor,
        has_confirmed_device=has_device,
        reauthenticated_at=reauthenticated_at,
        now=time.time(),
    )
    if not allowed:
        raise NotAllowed("TOTP_DEVICE")
    device: TOTPDevice | None = None
    if isinstance(resume, int):
        device = TOTPDevice.objects.filter(user=actor, confirmed=False, pk=resume).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=TOTP_DEVICE_NAME, confirmed=False)
        write_entry(
            actor=actor,
            action="auth.totp_enrol",
            object_type="user",
            object_id=actor.pk,
            origin=origin,
            details={"device": device.pk},
        )
    return device


@transaction.atomic(durable=True)
def do_confirm_totp_device(
    *, device: TOTPDevice, token: str, origin: str = "", actor: User
) -> bool:
    """Confirm the actor's new (unconfirmed) authenticator with a code it shows; False
    (nothing confirmed, django-otp's throttle counting the failure) when the code is wrong."""
    if device.user_id != actor.pk or device.confirmed:
        raise NotAllowed("TOTP_DEVICE")
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise NotAllowed("TOTP_DEVICE")
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    write_entry(
        actor=actor,
        action="auth.totp_confirm",
        object_type="user",
        object_id=actor.pk,
        origin=origin,
        details={"device": device.pk},
    )
    return True
