"""What a rule reports: a reason code, whether it denies, and the facts its text mentions."""

from __future__ import annotations

from dataclasses import dataclass, field

from amana.protocol.codes import Code
from amana.protocol.model import Protocol, Request
from amana.protocol.rules.consent import ConsentState, read_consents


@dataclass(slots=True)
class Finding:
    code: Code
    denies: bool
    params: tuple[tuple[str, str], ...] = ()


def deny(code: Code, **params: str) -> Finding:
    return Finding(code, True, tuple(sorted(params.items())))


def note(code: Code, **params: str) -> Finding:
    return Finding(code, False, tuple(sorted(params.items())))


@dataclass(slots=True)
class Withheld:
    element: str
    code: Code


@dataclass(slots=True)
class Context:
    """One evaluation: the inputs and what the rules have found so far."""

    protocol: Protocol
    request: Request
    findings: list[Finding] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    interim: bool = False
    _consents: ConsentState | None = None

    @property
    def consents(self) -> ConsentState:
        if self._consents is None:
            self._consents = read_consents(self.request)
        return self._consents

    def add(self, finding: Finding | None) -> None:
        if finding is not None:
            self.findings.append(finding)

    @property
    def denied(self) -> bool:
        return any(finding.denies for finding in self.findings)

    def name_of(self, participant_id: str) -> str:
        participant = self.protocol.participants.get(participant_id)
        return participant.name if participant else participant_id
