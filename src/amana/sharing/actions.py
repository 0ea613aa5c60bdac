"""Asking the protocol engine, on the record. Each check is audited without personal data."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from amana.accounts.errors import NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.audit.models import Outcome
from amana.protocol import evaluate
from amana.protocol.codes import SOURCES, Code
from amana.protocol.loading import parse_request
from amana.protocol.texts import REASONS, translate
from amana.protocols.access import engine_protocol, find_version


def unknown_protocol_decision(reference: str, language: str) -> dict[str, Any]:
    text = translate(REASONS[(Code.PROTOCOL_UNKNOWN, "")], language)
    return {
        "decision": "deny",
        "share": [],
        "withhold": [],
        "label": None,
        "reasons": [
            {
                "code": str(Code.PROTOCOL_UNKNOWN),
                "text": text,
                "source": SOURCES[Code.PROTOCOL_UNKNOWN],
            }
        ],
        "obligations": [],
        "protocol": reference,
    }


@transaction.atomic
def do_check_sharing(
    *, protocol_ref: str, request_data: Any, language: str, origin: str, actor: User
) -> dict[str, Any]:
    """Decide one proposed disclosure. Raises ContractError for a malformed request."""
    if not actor.has_permission(Perm.SHARING_CHECK):
        raise NotAllowed(Perm.SHARING_CHECK.value)
    request = parse_request(request_data)
    version = find_version(actor, protocol_ref)
    if version is None:
        decision = unknown_protocol_decision(protocol_ref, language)
    else:
        decision = evaluate(engine_protocol(version), request).to_dict(language)
        decision["protocol"] = f"{version.protocol_id}@{version.version}"
    write_entry(
        actor=actor,
        action="sharing.check",
        object_type="protocol",
        object_id=decision["protocol"],
        outcome=Outcome.OK if decision["decision"] == "allow" else Outcome.DENIED,
        origin=origin,
        details={
            "from": request.sender,
            "to": request.recipient,
            "purpose": request.purpose,
            "service": request.service,
            "basis": request.legal_basis,
            "decision": decision["decision"],
            "codes": sorted({r["code"] for r in decision["reasons"]}),
            "share": decision["share"],
        },
    )
    return decision
