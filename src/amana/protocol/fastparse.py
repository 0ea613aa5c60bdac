"""The request parser's fast path: straight-line checks for well-formed requests.

Anything unexpected raises `_Slow`, and the caller re-reads the request with the validating
reader (`loading.request_from_data`), which names the key path and the problem. Both paths accept
exactly the same inputs; a property test holds them to it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from amana.protocol import vocabulary as v
from amana.protocol.model import BestInterests, ConsentRecord, Exceptional, Request, Subject

_BASES = frozenset(v.BASES)
_CARE = frozenset(v.CARE_STATUSES)
_CASE = frozenset(v.CASE_STATUSES)
_GIVERS = frozenset(v.GIVERS)
_KINDS = frozenset(v.CONSENT_KINDS)
_STAGES = frozenset(v.STAGES)


class _Slow(Exception):
    """Leave the fast path; the validating reader will explain."""


def _day(value: Any) -> date:
    if type(value) is not str or len(value) != 10:
        raise _Slow
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Slow from None


def _text(value: Any) -> str:
    if type(value) is not str or not value.strip():
        raise _Slow
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _flag(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if type(value) is not bool:
        raise _Slow
    return value


def _strings(value: Any) -> list[str]:
    if type(value) is not list:
        raise _Slow
    for item in value:
        _text(item)
    return value


def _subject(data: Any) -> Subject:
    if type(data) is not dict:
        raise _Slow
    age = data.get("age")
    care = data.get("care_status")
    case = data.get("case_status")
    if type(age) is not int or age < 0:
        raise _Slow
    if (care is not None and care not in _CARE) or (case is not None and case not in _CASE):
        raise _Slow
    if care == "adult" and age < v.ADULT_AGE:  # contradictory: the validator names the key
        raise _Slow
    return Subject(
        age=age,
        care_status=care,
        caregiver_reachable=_flag(data, "caregiver_reachable", True),
        informing_caregiver_in_best_interests=_flag(
            data, "informing_caregiver_in_best_interests", True
        ),
        gbv_survivor=_flag(data, "gbv_survivor", False),
        case_status=case or "open",
        area=_optional_text(data.get("area")),
    )


def _consent(data: Any) -> ConsentRecord:
    if type(data) is not dict:
        raise _Slow
    giver, kind, stage = data.get("given_by"), data.get("kind"), data.get("stage")
    if giver not in _GIVERS or kind not in _KINDS or (stage is not None and stage not in _STAGES):
        raise _Slow
    services = data.get("services")
    return ConsentRecord(
        given_by=giver,
        kind=kind,
        purposes=frozenset(_strings(data.get("purposes"))),
        recipients=frozenset(_strings(data.get("recipients"))),
        services=None if services is None else frozenset(_strings(services)),
        on=_day(data.get("on")),
        stage=stage or "other",
    )


def _consents(value: Any) -> tuple[ConsentRecord, ...]:
    if value is None:
        return ()
    if type(value) is not list:
        raise _Slow
    return tuple(_consent(item) for item in value)


def _best_interests(data: Any) -> BestInterests | None:
    if data is None:
        return None
    if type(data) is not dict:
        raise _Slow
    assessed = data.get("assessed_on")
    return BestInterests(
        assessed_on=None if assessed is None else _day(assessed),
        supports_sharing=_flag(data, "supports_sharing", False),
    )


def _exceptional(data: Any) -> Exceptional | None:
    if data is None:
        return None
    if type(data) is not dict:
        raise _Slow
    assessment = data.get("risk_assessment")
    if assessment is not None and type(assessment) is not str:
        raise _Slow
    return Exceptional(
        circumstance=_optional_text(data.get("circumstance")) or "",
        risk_assessment=(assessment.strip() or None) if assessment is not None else None,
        recipient_assessed_safe=_flag(data, "recipient_assessed_safe", False),
    )


def _elements(value: Any) -> tuple[str, ...]:
    elements = _strings(value)
    if not elements:
        raise _Slow
    return tuple(dict.fromkeys(elements))


def fast_request(data: Any) -> Request:
    try:
        return _fast_request(data)
    except TypeError:  # an unhashable value where a word was expected
        raise _Slow from None


def _fast_request(data: Any) -> Request:
    if type(data) is not dict:
        raise _Slow
    basis = data.get("legal_basis")
    if basis not in _BASES:
        raise _Slow
    return Request(
        at=_day(data.get("at")),
        sender=_text(data.get("from")),
        recipient=_text(data.get("to")),
        purpose=_text(data.get("purpose")),
        service=_optional_text(data.get("service")),
        legal_basis=basis,
        subject=_subject(data.get("subject")),
        elements=_elements(data.get("elements")),
        consents=_consents(data.get("consents")),
        best_interests=_best_interests(data.get("best_interests")),
        exceptional=_exceptional(data.get("exceptional")),
        contact_method=_optional_text(data.get("contact_method")),
        label=_optional_text(data.get("label")),
    )
