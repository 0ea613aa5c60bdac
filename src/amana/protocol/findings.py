"""What a rule reports: a reason code, whether it denies, and the facts its text mentions."""

from __future__ import annotations

from msgspec import Struct

from amana.protocol.codes import Code
from amana.protocol.model import Protocol, Request
from amana.protocol.rules.consent import ConsentState, read_consents


class Finding(Struct, frozen=True, gc=False):
    """Immutable (built in C), so a finding that never varies can be built once and shared."""

    code: Code
    denies: bool
    params: tuple[tuple[str, str], ...] = ()


def deny(code: Code, **params: str) -> Finding:
    return Finding(code, True, tuple(params.items()))


def note(code: Code, **params: str) -> Finding:
    return Finding(code, False, tuple(params.items()))


class Withheld(Struct, frozen=True, gc=False):
    element: str
    code: Code


class Context:
    """One evaluation: the inputs and what the rules have found so far."""

    __slots__ = ("_consents", "denied", "findings", "interim", "protocol", "request", "withheld")

    def __init__(self, protocol: Protocol, request: Request) -> None:
        self.protocol = protocol
        self.request = request
        self.findings: list[Finding] = []
        self.withheld: list[Withheld] = []
        self.interim = False
        self.denied = False
        self._consents: ConsentState | None = None

    @property
    def consents(self) -> ConsentState:
        if self._consents is None:
            self._consents = read_consents(self.request)
        return self._consents

    def add(self, finding: Finding | None) -> None:
        if finding is not None:
            self.findings.append(finding)
            self.denied = self.denied or finding.denies

    def name_of(self, participant_id: str) -> str:
        participant = self.protocol.participants.get(participant_id)
        return participant.name if participant else participant_id
