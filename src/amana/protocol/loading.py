"""Reading a protocol (YAML or JSON) and a sharing request into model values."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import yaml

from amana.protocol import vocabulary as v
from amana.protocol.fastparse import _Slow, fast_request
from amana.protocol.model import (
    Basis,
    BestInterests,
    Breach,
    CareStatus,
    CaseStatus,
    ConsentKind,
    ConsentRecord,
    Exceptional,
    Giver,
    Participant,
    Protocol,
    PurposeSpec,
    Request,
    Service,
    Settings,
    Stage,
    Subject,
    Suspension,
)
from amana.protocol.reader import ContractError, Node


def _suspension(node: Node) -> Suspension | None:
    if node.is_missing():
        return None
    return Suspension(
        since=node.require("since").day(),
        until=node.get("until").optional_day(),
        justification=node.get("justification").optional_text() or "",
    )


def _participant(node: Node) -> Participant:
    roles = node.get("roles")
    for role in roles.optional_items():
        role.choice(v.PARTICIPANT_ROLES)
    return Participant(
        id=node.require("id").text(),
        name=node.require("name").text(),
        kind=node.get("kind").optional_choice(v.PARTICIPANT_KINDS, "other") or "other",
        roles=roles.optional_strings() or (),
        signed_on=node.get("signed_on").optional_day(),
        suspended=_suspension(node.get("suspended")),
    )


def _frozen(node: Node) -> frozenset[str] | None:
    values = node.optional_strings()
    return None if values is None else frozenset(values)


def _service(name: str, node: Node, participants: dict[str, Participant]) -> Service:
    provider = node.require("provider")
    if provider.text() not in participants:
        raise provider.fail("the id of a participant")
    return Service(name=name, provider=provider.text(), elements=_frozen(node.get("elements")))


def _purpose(name: str, node: Node, participants: dict[str, Participant]) -> PurposeSpec:
    if name not in v.PURPOSES:
        raise ContractError(f"{node.path}: not a purpose; expected one of {', '.join(v.PURPOSES)}")
    services = node.get("services")
    documented = node.get("services_documented")
    return PurposeSpec(
        name=name,
        elements=_frozen(node.get("elements")),
        excluded=_frozen(node.get("excluded")) or frozenset(),
        services={
            key: _service(key, item, participants)
            for key, item in (() if services.is_missing() else services.entries())
        },
        services_documented=None if documented.is_missing() else documented.boolean(False),
    )


def _settings(node: Node) -> Settings:
    if node.is_missing():
        return Settings(stigmatising_terms=v.DEFAULT_STIGMATISING_TERMS)
    terms = node.get("stigmatising_terms").optional_strings()
    return Settings(
        interim_max_days=node.get("interim_max_days").integer(92),
        assent_from_age=node.get("assent_from_age").integer(7),
        neutral_label=node.get("neutral_label").optional_text() or "high priority",
        stigmatising_terms=tuple(t.lower() for t in terms)
        if terms
        else v.DEFAULT_STIGMATISING_TERMS,
        min_cell=node.get("min_cell").integer(5, minimum=1),
        percent_only=node.get("percent_only").optional_strings() or (),
        request_response_working_days=node.get("request_response_working_days").integer(5),
    )


def _scope_areas(node: Node) -> tuple[str, ...]:
    """`scope.areas`, in the protocol's order without repeats; () where none are listed."""
    if node.is_missing():
        return ()
    return tuple(dict.fromkeys(node.get("areas").optional_strings() or ()))


def _breach(node: Node) -> Breach:
    return Breach(
        id=node.require("id").text(),
        reported_on=node.require("reported_on").day(),
        resolved_on=node.get("resolved_on").optional_day(),
    )


def _participants(node: Node) -> dict[str, Participant]:
    participants: dict[str, Participant] = {}
    for item in node.items():
        participant = _participant(item)
        if participant.id in participants:
            raise item.get("id").fail("an id not used by another participant")
        participants[participant.id] = participant
    return participants


def protocol_from_data(data: Any) -> Protocol:
    root = Node(data, "")
    protocol_id = root.require("id").text()
    title = root.require("title").text()
    participants = _participants(root.require("participants"))
    purposes_node = root.require("purposes")
    started = root.get("case_management_started_on").optional_day()
    effective = root.get("effective_from").optional_day()
    if effective is None and started is None:
        raise ContractError(
            "case_management_started_on: required while effective_from is empty "
            "(the interim period counts from it)"
        )
    for coordinator in root.get("coordinators").optional_items():
        if coordinator.text() not in participants:
            raise coordinator.fail("the id of a participant")
    settings = _settings(root.get("settings"))
    return Protocol(
        id=protocol_id,
        title=title,
        case_management_started_on=started,
        effective_from=effective,
        valid_until=root.get("valid_until").optional_day(),
        settings=settings,
        participants=participants,
        purposes={
            name: _purpose(name, node, participants) for name, node in purposes_node.entries()
        },
        breaches=tuple(_breach(item) for item in root.get("breaches").optional_items()),
        interim_last_day=None
        if started is None
        else started + timedelta(days=settings.interim_max_days),
        scope_areas=_scope_areas(root.get("scope")),
    )


def parse_document(text: str, source: str) -> Any:
    """YAML is a superset of JSON; report syntax errors with their line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ContractError(f"{source}: not valid YAML or JSON{where}") from None


def load_protocol(path: str | Path) -> Protocol:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContractError(f"{file}: cannot read the protocol ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ContractError(f"{file}: not UTF-8 text") from None
    return protocol_from_data(parse_document(text, str(file)))


def _consent(node: Node) -> ConsentRecord:
    services = node.get("services").optional_strings()
    return ConsentRecord(
        given_by=cast("Giver", node.require("given_by").choice(v.GIVERS)),
        kind=cast("ConsentKind", node.require("kind").choice(v.CONSENT_KINDS)),
        purposes=frozenset(node.require("purposes").strings()),
        recipients=frozenset(node.require("recipients").strings()),
        services=None if services is None else frozenset(services),
        on=node.require("on").day(),
        stage=cast("Stage", node.get("stage").optional_choice(v.STAGES, "other") or "other"),
    )


def _care_status(node: Node, age: int) -> CareStatus | None:
    """One of the vocabulary, and never `adult` for a subject under 18: such a request
    contradicts itself."""
    care_status = node.optional_choice(v.CARE_STATUSES, None)
    if care_status == "adult" and age < v.ADULT_AGE:
        raise node.fail(f"not adult for a subject aged {age} (under {v.ADULT_AGE})")
    return cast("CareStatus | None", care_status)


def _subject(node: Node) -> Subject:
    age = node.require("age").integer()
    return Subject(
        age=age,
        care_status=_care_status(node.get("care_status"), age),
        caregiver_reachable=node.get("caregiver_reachable").boolean(True),
        informing_caregiver_in_best_interests=node.get(
            "informing_caregiver_in_best_interests"
        ).boolean(True),
        gbv_survivor=node.get("gbv_survivor").boolean(False),
        case_status=cast(
            "CaseStatus", node.get("case_status").optional_choice(v.CASE_STATUSES, "open") or "open"
        ),
        area=node.get("area").optional_text(),
    )


def _best_interests(node: Node) -> BestInterests | None:
    if node.is_missing():
        return None
    return BestInterests(
        assessed_on=node.get("assessed_on").optional_day(),
        supports_sharing=node.get("supports_sharing").boolean(False),
    )


def _exceptional(node: Node) -> Exceptional | None:
    if node.is_missing():
        return None
    assessment = node.get("risk_assessment").value
    if assessment is not None and not isinstance(assessment, str):
        raise node.get("risk_assessment").fail("text or null")
    return Exceptional(
        circumstance=node.get("circumstance").optional_text() or "",
        risk_assessment=assessment.strip() or None if isinstance(assessment, str) else None,
        recipient_assessed_safe=node.get("recipient_assessed_safe").boolean(False),
    )


def _elements(node: Node) -> tuple[str, ...]:
    elements = node.strings()
    if not elements:
        raise node.fail("at least one data element")
    return tuple(dict.fromkeys(elements))


def request_from_data(data: Any) -> Request:
    root = Node(data, "")
    root.mapping()
    return Request(
        at=root.require("at").day(),
        sender=root.require("from").text(),
        recipient=root.require("to").text(),
        purpose=root.require("purpose").text(),
        service=root.get("service").optional_text(),
        legal_basis=cast("Basis", root.require("legal_basis").choice(v.BASES)),
        subject=_subject(root.require("subject")),
        elements=_elements(root.require("elements")),
        consents=tuple(_consent(item) for item in root.get("consents").optional_items()),
        best_interests=_best_interests(root.get("best_interests")),
        exceptional=_exceptional(root.get("exceptional")),
        contact_method=root.get("contact_method").optional_text(),
        label=root.get("label").optional_text(),
    )


def parse_request(data: Any) -> Request:
    """Fast path for well-formed requests; the validating reader explains any problem."""
    try:
        return fast_request(data)
    except _Slow:
        request = request_from_data(data)
    return request  # e.g. dates given as date objects, which only the validator reads


def parse_request_json(text: str) -> Request:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContractError(f"request: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    return parse_request(data)
