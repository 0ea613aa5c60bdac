"""The one disclosure path: every disclosure of a child's data to another agency or system is
decided here, and recorded here.

`decide` takes the case, the caseworker's intent (recipient, purpose, service, elements, basis,
label, contact method), the day and the language; it chooses the protocol in force for the
two parties once, builds the engine's typed request straight from the case's stored facts
(`facts.request_for`), asks the engine and returns a `Disclosure` — what a page shows and what
an action records. `record` writes its sharing-ledger row inside the caller's transaction (the
caller writes its audit entry in the same one). A check of a raw request against a chosen
protocol ("Can I share?", `POST /api/v1/sharing/check`) is decided here too, without a case.

This is the only module outside `amana.protocol` that calls the engine (an architecture test
keeps it so). See docs/architecture.md, "The life of a disclosure".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import msgspec
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError
from amana.accounts.models import User
from amana.audit.log import write_row_seal
from amana.cases.models import Case
from amana.protocol import Decision, Protocol, Request, evaluate, no_protocol_decision
from amana.protocol.loading import parse_request
from amana.protocol.vocabulary import BASES
from amana.protocols.access import engine_protocol
from amana.protocols.choice import protocol_in_force, protocols_in_force
from amana.protocols.models import ProtocolVersion
from amana.sharing.facts import request_for
from amana.sharing.models import LEDGER_SEALED_FIELDS, LedgerEntry

NO_PROTOCOL = "none"
LANGUAGES = frozenset({"en", "fr", "ar"})


@dataclass(frozen=True, slots=True)
class Intent:
    """What the caseworker asks to disclose; everything else comes from the case."""

    recipient: str
    purpose: str
    legal_basis: str
    elements: tuple[str, ...]
    service: str | None = None
    label: str | None = None
    contact_method: str | None = None


@dataclass(frozen=True)
class Disclosure:
    """One decided disclosure: the request the engine saw, its decision, under which protocol."""

    case: Case
    intent: Intent
    at: date
    language: str
    protocol: str
    request: Request
    decision: Decision

    @property
    def allowed(self) -> bool:
        return self.decision.allowed

    @property
    def shared(self) -> list[str]:
        """The elements that go: none on a refusal."""
        return list(self.decision.share) if self.allowed else []

    @cached_property
    def explained(self) -> dict[str, Any]:
        """The decision in the contract's form, its texts in the page's language."""
        return self.decision.to_dict(self.language)


def engine_language() -> str:
    """The active interface language as one the engine explains in (en, fr, ar)."""
    code = (get_language() or "en").split("-")[0]
    return code if code in LANGUAGES else "en"


def protocol_version(
    sender: str, at: date | None = None, recipient: str | None = None
) -> ProtocolVersion | None:
    """The stored protocol governing sharing from `sender` (to `recipient`) on a day (today by
    default): the one a page lists services of, and the one `decide` decides under."""
    return protocol_in_force(sender, at or timezone.localdate(), recipient)


def protocol_versions(
    senders: Iterable[str], at: date | None = None
) -> dict[str, ProtocolVersion | None]:
    """`protocol_version(sender, at)` for each of many senders, in one query."""
    return protocols_in_force(senders, at or timezone.localdate())


def _checked(intent: Intent) -> Intent:
    """The intent's own shape; what it means is the engine's to decide."""
    if intent.legal_basis not in BASES:
        raise ActionError("legal_basis", _("Choose the legitimate basis from the list."))
    if not intent.elements or not all(intent.elements):
        raise ActionError("elements", _("Choose what to send."))
    if not intent.recipient:
        raise ActionError("recipient", _("Unknown agency."))
    if not intent.purpose:
        raise ActionError("purpose", _("Choose a purpose from the list."))
    return intent


def _scope(protocol: Protocol | None) -> frozenset[str]:
    """The areas the protocol covers (rules.md R1.5); none listed, it covers any."""
    return frozenset(protocol.scope_areas) if protocol is not None else frozenset()


def decide(
    case: Case,
    intent: Intent,
    *,
    sender: str | None = None,
    at: date | None = None,
    language: str | None = None,
) -> Disclosure:
    """Decide one disclosure of `case` (no side effects). `sender` is the case's agency unless
    the disclosure flows back (feedback from the agency that received a referral)."""
    day = at or timezone.localdate()
    source = sender or case.agency.slug
    version = protocol_version(source, day, _checked(intent).recipient)
    protocol = engine_protocol(version) if version is not None else None
    request = request_for(case, intent, sender=source, at=day, areas=_scope(protocol))
    decision = evaluate(protocol, request) if protocol is not None else no_protocol_decision()
    return Disclosure(
        case=case,
        intent=intent,
        at=day,
        language=language or engine_language(),
        protocol=version.reference if version is not None else NO_PROTOCOL,
        request=request,
        decision=decision,
    )


def record(disclosure: Disclosure, *, actor: User | None) -> LedgerEntry:
    """The ledger row of a decided disclosure — sent or refused — in the caller's transaction:
    what was asked, what the engine decided and why (codes), what went. Never the values.
    Refuses to run outside a transaction: a ledger row belongs to an action."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("disclosure.record must run inside the action's transaction")
    decision, intent = disclosure.decision, disclosure.intent
    entry = LedgerEntry.objects.create(
        actor=actor,
        case=disclosure.case,
        sender=disclosure.request.sender,
        recipient=intent.recipient,
        purpose=intent.purpose,
        service=intent.service or "",
        legal_basis=intent.legal_basis,
        protocol=disclosure.protocol,
        decision=decision.decision,
        requested=list(intent.elements),
        shared=disclosure.shared,
        codes=sorted(decision.codes),
        request=msgspec.to_builtins(disclosure.request, order="deterministic"),
    )
    write_row_seal(entry, LEDGER_SEALED_FIELDS, actor=actor)
    return entry


def check_request(
    version: ProtocolVersion | None, reference: str, request_data: Any, language: str
) -> tuple[Request, dict[str, Any]]:
    """A raw request (facts typed by a person or sent by a client, no case) decided under a
    chosen protocol, or refused as `protocol.unknown` when there is none. Raises ContractError
    naming the key of a malformed request."""
    request = parse_request(request_data)
    if version is None:
        return request, no_protocol_decision().to_dict(language) | {"protocol": reference}
    decision = evaluate(engine_protocol(version), request).to_dict(language)
    return request, decision | {"protocol": version.reference}
