"""Whether an agency shares under a protocol in force, in the interim period, or not at all.

The same reading of rules.md R1.3 and R1.4 as the engine's `protocol_in_force`: a protocol whose
`effective_from` has come is in force until `valid_until`; before that (or with no
`effective_from`) the interim period runs until `case_management_started_on` plus
`interim_max_days`, and after it nothing may be shared. Protocols hold no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils import timezone

from amana.accounts.models import Agency
from amana.protocol.codes import Code
from amana.protocol.texts import REASONS, translate
from amana.protocols.access import engine_protocol
from amana.protocols.choice import protocol_in_force
from amana.protocols.models import ProtocolVersion


class State(StrEnum):
    IN_FORCE = "in_force"
    INTERIM = "interim"
    INTERIM_EXPIRED = "interim_expired"
    EXPIRED = "expired"
    NONE = "none"


@dataclass(frozen=True)
class ProtocolStatus:
    state: State
    version: ProtocolVersion | None = None
    # The last day of the interim period (interim, interim_expired), or of validity (in force,
    # expired); None when the protocol sets none.
    last_day: date | None = None

    @property
    def may_share(self) -> bool:
        return self.state in (State.IN_FORCE, State.INTERIM)

    def explanation(self, language: str = "en") -> str:
        """The engine's own reason text for a stop (the same words a denial carries)."""
        if self.state == State.INTERIM_EXPIRED:
            template = REASONS[(Code.PROTOCOL_INTERIM_EXPIRED, "")]
            return translate(template, language).format(last_day=self.last_day or "—")
        if self.state == State.EXPIRED:
            template = REASONS[(Code.PROTOCOL_EXPIRED, "")]
            return translate(template, language).format(until=self.last_day or "—")
        if self.state == State.NONE:
            return translate(REASONS[(Code.PROTOCOL_UNKNOWN, "")], language)
        return ""


def protocol_for_agency(agency: Agency, on: date | None = None) -> ProtocolVersion | None:
    """The protocol the agency shares under on `on` (today by default): see `choice`."""
    return protocol_in_force(agency.slug, on or timezone.localdate())


def status_of(version: ProtocolVersion | None, today: date) -> ProtocolStatus:
    """The standing of one stored protocol version on `today`."""
    if version is None:
        return ProtocolStatus(State.NONE)
    protocol = engine_protocol(version)
    if protocol.effective_from is not None and protocol.effective_from <= today:
        if protocol.valid_until is not None and today > protocol.valid_until:
            return ProtocolStatus(State.EXPIRED, version, protocol.valid_until)
        return ProtocolStatus(State.IN_FORCE, version, protocol.valid_until)
    last_day = protocol.interim_last_day
    if last_day is None or today > last_day:
        return ProtocolStatus(State.INTERIM_EXPIRED, version, last_day)
    return ProtocolStatus(State.INTERIM, version, last_day)


def protocol_status(agency: Agency, today: date) -> ProtocolStatus:
    """The standing of the protocol the agency participates in, on `today`."""
    return status_of(protocol_in_force(agency.slug, today), today)
