"""Roles and the permissions they grant. One enum of permissions, AREA_ACTION."""

from __future__ import annotations

from enum import StrEnum

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


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    DP_FOCAL_POINT = "dp_focal_point", _("Data protection focal point")
    IM_OFFICER = "im_officer", _("Information management officer")
    COORDINATOR = "coordinator", _("Coordinator")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


P = Perm
ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.CASEWORKER: frozenset(
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
    Role.SUPERVISOR: frozenset(
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
    Role.DP_FOCAL_POINT: frozenset(
        {P.SHARING_CHECK, P.PROTOCOL_VIEW, P.AUDIT_VIEW, P.BREACH_MANAGE, P.USER_VIEW}
    ),
    Role.IM_OFFICER: frozenset({P.REPORT_VIEW, P.FORM_MANAGE, P.PROTOCOL_VIEW}),
    Role.COORDINATOR: frozenset({P.REPORT_VIEW, P.PROTOCOL_VIEW, P.PROTOCOL_MANAGE}),
    Role.AGENCY_ADMIN: frozenset({P.USER_VIEW, P.USER_MANAGE, P.FORM_MANAGE, P.AUDIT_VIEW}),
    Role.SYSTEM_ADMIN: frozenset(
        {P.AGENCY_MANAGE, P.USER_VIEW, P.USER_MANAGE, P.PROTOCOL_MANAGE, P.AUDIT_VIEW}
    ),
}


def permissions_for(roles: list[str] | set[str] | frozenset[str]) -> frozenset[Perm]:
    granted: set[Perm] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)
