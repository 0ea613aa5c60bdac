"""Roles and what they grant, in one table: for each role, its permissions (one enum of
permissions, AREA_ACTION) and the sensitivity classes of case data it reads unmasked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class Perm(StrEnum):
    CASE_VIEW = "CASE_VIEW"
    CASE_CREATE = "CASE_CREATE"
    CASE_EDIT = "CASE_EDIT"
    CASE_ASSIGN = "CASE_ASSIGN"
    CASE_APPROVE = "CASE_APPROVE"
    CASE_CLOSE = "CASE_CLOSE"
    CONSENT_RECORD = "CONSENT_RECORD"
    CONSENT_OVERRIDE = "CONSENT_OVERRIDE"
    REFERRAL_SEND = "REFERRAL_SEND"
    REFERRAL_RECEIVE = "REFERRAL_RECEIVE"
    SHARING_CHECK = "SHARING_CHECK"
    PROTOCOL_VIEW = "PROTOCOL_VIEW"
    PROTOCOL_MANAGE = "PROTOCOL_MANAGE"
    REPORT_VIEW = "REPORT_VIEW"
    FORM_MANAGE = "FORM_MANAGE"
    USER_VIEW = "USER_VIEW"
    USER_MANAGE = "USER_MANAGE"
    AGENCY_MANAGE = "AGENCY_MANAGE"
    AUDIT_VIEW = "AUDIT_VIEW"
    BREACH_MANAGE = "BREACH_MANAGE"
    JOB_VIEW = "JOB_VIEW"  # the dead-letter list of background jobs
    JOB_RETRY = "JOB_RETRY"  # put a dead letter back in the queue


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    DP_FOCAL_POINT = "dp_focal_point", _("Data protection focal point")
    IM_OFFICER = "im_officer", _("Information management officer")
    COORDINATOR = "coordinator", _("Coordinator")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# The sensitivity classes of case data: the values of `amana.cases.models.Sensitivity`
# (tests/accounts/test_role_matrix.py checks that both name the same four classes).
IDENTIFYING = "identifying"
SENSITIVE_PERSONAL = "sensitive_personal"
PROTECTION = "protection"
PROCESS = "process"
SENSITIVITY_CLASSES: Final = frozenset({IDENTIFYING, SENSITIVE_PERSONAL, PROTECTION, PROCESS})


@dataclass(frozen=True)
class RoleRights:
    """What one role grants: the permissions it holds, and the sensitivity classes of a
    visible case's data it reads unmasked."""

    permissions: frozenset[Perm]
    reads: frozenset[str]


P = Perm
# The one table of roles: for each role, its permissions and the classes it may read.
ROLES: Final[Mapping[str, RoleRights]] = MappingProxyType(
    {
        Role.CASEWORKER: RoleRights(
            permissions=frozenset(
                {
                    P.CASE_VIEW,
                    P.CASE_CREATE,
                    P.CASE_EDIT,
                    P.CONSENT_RECORD,
                    P.REFERRAL_SEND,
                    P.REFERRAL_RECEIVE,
                    P.SHARING_CHECK,
                    P.PROTOCOL_VIEW,
                }
            ),
            reads=SENSITIVITY_CLASSES,
        ),
        Role.SUPERVISOR: RoleRights(
            permissions=frozenset(
                {
                    P.CASE_VIEW,
                    P.CASE_CREATE,
                    P.CASE_EDIT,
                    P.CASE_ASSIGN,
                    P.CASE_APPROVE,
                    P.CASE_CLOSE,
                    P.CONSENT_RECORD,
                    P.CONSENT_OVERRIDE,
                    P.REFERRAL_SEND,
                    P.REFERRAL_RECEIVE,
                    P.SHARING_CHECK,
                    P.PROTOCOL_VIEW,
                    P.REPORT_VIEW,
                    P.USER_VIEW,
                }
            ),
            reads=SENSITIVITY_CLASSES,
        ),
        Role.DP_FOCAL_POINT: RoleRights(
            permissions=frozenset(
                {
                    P.SHARING_CHECK,
                    P.PROTOCOL_VIEW,
                    P.AUDIT_VIEW,
                    P.BREACH_MANAGE,
                    P.USER_VIEW,
                    P.JOB_VIEW,
                }
            ),
            reads=frozenset({PROCESS, PROTECTION}),
        ),
        Role.IM_OFFICER: RoleRights(
            permissions=frozenset({P.REPORT_VIEW, P.FORM_MANAGE, P.PROTOCOL_VIEW}),
            reads=frozenset({PROCESS}),
        ),
        Role.COORDINATOR: RoleRights(
            permissions=frozenset({P.REPORT_VIEW, P.PROTOCOL_VIEW, P.PROTOCOL_MANAGE}),
            reads=frozenset({PROCESS}),
        ),
        Role.AGENCY_ADMIN: RoleRights(
            permissions=frozenset(
                {P.USER_VIEW, P.USER_MANAGE, P.FORM_MANAGE, P.AUDIT_VIEW, P.JOB_VIEW}
            ),
            reads=frozenset({PROCESS}),
        ),
        Role.SYSTEM_ADMIN: RoleRights(
            permissions=frozenset(
                {
                    P.AGENCY_MANAGE,
                    P.USER_VIEW,
                    P.USER_MANAGE,
                    P.PROTOCOL_MANAGE,
                    P.AUDIT_VIEW,
                    P.JOB_VIEW,
                    P.JOB_RETRY,
                }
            ),
            reads=frozenset({PROCESS}),
        ),
    }
)
NO_RIGHTS: Final = RoleRights(permissions=frozenset(), reads=frozenset())

# Views of the one table, by column.
ROLE_PERMISSIONS: Final[Mapping[str, frozenset[Perm]]] = MappingProxyType(
    {role: rights.permissions for role, rights in ROLES.items()}
)
ROLE_READS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {role: rights.reads for role, rights in ROLES.items()}
)


def permissions_for(roles: Iterable[str]) -> frozenset[Perm]:
    """The permissions the roles grant together."""
    granted: set[Perm] = set()
    for role in roles:
        granted |= ROLES.get(role, NO_RIGHTS).permissions
    return frozenset(granted)


def classes_for(roles: Iterable[str]) -> frozenset[str]:
    """The sensitivity classes (values) the roles read together."""
    classes: set[str] = set()
    for role in roles:
        classes |= ROLES.get(role, NO_RIGHTS).reads
    return frozenset(classes)
