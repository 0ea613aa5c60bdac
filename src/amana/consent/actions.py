"""The only write path for consent records. Recording checks the permission and that the actor
works on the case, validates every field, stores the record and writes its audit entry in the
same transaction. Nothing personal goes into the audit details (never the notes)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry, write_row_seal
from amana.cases.access import can_see
from amana.cases.models import Case
from amana.consent.models import CONSENT_SEALED_FIELDS, ConsentRecord
from amana.consent.notices import consent_withdrawn
from amana.consent.signals import refusal_recorded
from amana.consent.vocabulary import CONSENT_PURPOSES
from amana.protocol.vocabulary import PURPOSES

AGREEING = frozenset({ConsentRecord.Kind.CONSENT, ConsentRecord.Kind.ASSENT})
# A participant id, agency slug or service code: one word of letters, digits, . _ : -
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
# A language tag such as en, ar, fr-CA, prs: letters, then optional subtags.
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
NOTES_MAX = 4000


def _codes(values: Sequence[str] | None, field: str, message: str) -> list[str]:
    """The values as a list without repeats, each a well-formed code."""
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise ActionError(field, _("Give a list."))
    seen: list[str] = []
    for value in values:
        code = value.strip() if isinstance(value, str) else ""
        if not CODE.match(code):
            raise ActionError(field, message)
        if code not in seen:
            seen.append(code)
    return seen


def _purposes(values: Sequence[str]) -> list[str]:
    purposes = _codes(values, "purposes", _("Choose purposes from the list."))
    for purpose in purposes:
        if purpose not in PURPOSES:
            raise ActionError("purposes", _("Unknown purpose: %(code)s") % {"code": purpose})
        if purpose not in CONSENT_PURPOSES:
            raise ActionError(
                "purposes",
                _("Consent is not what this purpose rests on: %(code)s") % {"code": purpose},
            )
    return purposes


def _check_giver(given_by: str, kind: str) -> None:
    if given_by not in ConsentRecord.Giver.values:
        raise ActionError("given_by", _("Choose who gave it."))
    if kind not in ConsentRecord.Kind.values:
        raise ActionError("kind", _("Choose consent, assent, refusal or withdrawal."))
    if kind == ConsentRecord.Kind.ASSENT and given_by != ConsentRecord.Giver.CHILD:
        raise ActionError("given_by", _("Only the child gives assent."))


def _check_choices(stage: str, method: str, language: str) -> None:
    if stage not in ConsentRecord.Stage.values:
        raise ActionError("stage", _("Choose intake, closure or during the case."))
    if method not in ConsentRecord.Method.values:
        raise ActionError("method", _("Choose written, oral or recorded."))
    if not LANGUAGE.match(language):
        raise ActionError("language", _("Give the language as a code such as en, fr or ar."))


def _check_date(given_on: object) -> date:
    if not isinstance(given_on, date):
        raise ActionError("given_on", _("Give the date it was given."))
    if given_on > timezone.localdate():
        raise ActionError("given_on", _("The date cannot be in the future."))
    return given_on


def _explainer(case: Case, explained_by: User | None, actor: User) -> User:
    person = explained_by or actor
    if person.agency_id != case.agency_id or not person.is_active:
        raise ActionError("explained_by", _("Choose an active colleague of the case's agency."))
    return person


@transaction.atomic(durable=True)
def do_record_consent(
    *,
    case: Case,
    given_by: str,
    kind: str,
    purposes: Sequence[str],
    recipients: Sequence[str],
    services: Sequence[str] | None = None,
    stage: str,
    method: str,
    language: str,
    given_on: date,
    notes: str = "",
    explained_by: User | None = None,
    origin: str = "",
    actor: User,
) -> ConsentRecord:
    """Record that someone agreed to, or refused, sharing the child's data.

    A refusal or withdrawal may leave `purposes` or `recipients` empty: it then covers every
    purpose or every recipient. `services` None (or empty) means the record does not narrow the
    services. The explainer is the actor unless `explained_by` names a colleague. A refusal or
    withdrawal revokes the pending referrals it covers and tells their recipients, in this
    transaction (`signals.refusal_recorded`; the referrals app's `actions.withdrawal`).
    """
    if not actor.has_permission(Perm.CONSENT_RECORD) or not can_see(actor, case):
        raise NotAllowed(Perm.CONSENT_RECORD.value)
    _check_giver(given_by, kind)
    clean_purposes = _purposes(purposes)
    clean_recipients = _codes(recipients, "recipients", _("Choose recipients from the list."))
    clean_services = _codes(services, "services", _("Choose services from the list.")) or None
    if kind in AGREEING and not clean_purposes:
        raise ActionError("purposes", _("Choose at least one purpose."))
    if kind in AGREEING and not clean_recipients:
        raise ActionError("recipients", _("Choose at least one recipient."))
    language = (language or "").strip()
    _check_choices(stage, method, language)
    day = _check_date(given_on)
    if not isinstance(notes, str) or len(notes) > NOTES_MAX:
        raise ActionError("notes", _("Keep the notes under 4000 characters."))
    record = ConsentRecord.objects.create(
        case=case,
        child_id=case.child_id,
        given_by=given_by,
        kind=kind,
        purposes=clean_purposes,
        recipients=clean_recipients,
        services=clean_services,
        stage=stage,
        method=method,
        language=language,
        explained_by=_explainer(case, explained_by, actor),
        given_on=day,
        notes=notes.strip(),
        recorded_by=actor,
    )
    write_row_seal(record, CONSENT_SEALED_FIELDS, actor=actor, origin=origin)
    write_entry(
        actor=actor,
        action="consent.record",
        object_type="case",
        object_id=case.pk,
        origin=origin,
        details={
            "record": str(record.pk),
            "given_by": given_by,
            "kind": kind,
            "purposes": clean_purposes,
            "recipients": clean_recipients,
            "services": clean_services,
            "stage": stage,
            "method": method,
            "given_on": day.isoformat(),
        },
    )
    if record.kind == ConsentRecord.Kind.WITHDRAWAL:
        consent_withdrawn(case, actor=actor)
    if record.kind in (ConsentRecord.Kind.REFUSAL, ConsentRecord.Kind.WITHDRAWAL):
        refusal_recorded.send(sender=ConsentRecord, record=record, actor=actor, origin=origin)
    return record
