"""Which rules run, in which order, for which purpose and basis: stated once, here.

Rules 1.x (`rules.standing`) run for every request and come first (see `engine.evaluate`). The
rules after them are listed below in the order their reasons are given, each with the requests
it can find something for: some purposes, some bases, the interim period only, or only a purpose
the protocol enables (or one it does not). Elsewhere the rule would return None, so leaving it
out is a shortcut, never a change of outcome: every rule still checks its own conditions (the
property tests run every rule of `RULES` afresh and compare). The plain loop
(`engine.evaluate`) and the fast path (`amana.protocol.fast`) both read `rules_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from amana.protocol.findings import Context, Finding
from amana.protocol.rules import basis, harm, purpose, standing
from amana.protocol.vocabulary import (
    BASES,
    BASES_FOR_PURPOSE,
    DIRECT_PURPOSES,
    EXCEPTIONAL_BASES,
    INDIRECT_PURPOSES,
    PURPOSES,
)

Rule = Callable[[Context], Finding | None]


@dataclass(frozen=True, slots=True)
class Entry:
    """A rule and the requests it can find something for. None: any purpose (or basis);
    `enabled`: True, only for a purpose the protocol enables; False, only for one it does not."""

    rule: Rule
    purposes: frozenset[str] | None = None
    bases: frozenset[str] | None = None
    interim_only: bool = False
    enabled: bool | None = None

    def applies(self, purpose: str, basis: str, interim: bool, enabled: bool) -> bool:
        return (
            (self.purposes is None or purpose in self.purposes)
            and (self.bases is None or basis in self.bases)
            and (interim or not self.interim_only)
            and (self.enabled is None or self.enabled is enabled)
        )


# Purposes whose basis the rules of section 3 check (process feedback takes any basis but
# mandate without that basis's own conditions: R4.3).
CHECKED: Final = frozenset(BASES_FOR_PURPOSE) - {"feedback_process"}
CONSENT: Final = frozenset({"consent"})
BEST_INTERESTS: Final = frozenset({"best_interests"})
RISK_BASES: Final = EXCEPTIONAL_BASES | {"mandate"}


def _only(*purposes: str) -> frozenset[str]:
    return frozenset(purposes)


CATALOGUE: Final[tuple[Entry, ...]] = (
    # R1.3: the interim period's limits
    Entry(standing.interim_purpose, interim_only=True),
    Entry(standing.interim_basis, interim_only=True),
    # Section 2, and R4.2, R4.3, R4.5
    Entry(purpose.purpose_is_direct, purposes=_only(*INDIRECT_PURPOSES)),
    Entry(purpose.purpose_is_enabled, enabled=False),
    Entry(purpose.referral_names_agreed_service, _only("referral_immediate"), enabled=True),
    Entry(purpose.future_services_documented, _only("referral_future"), enabled=True),
    Entry(basis.process_feedback_needs_no_consent, _only("feedback_process")),
    Entry(basis.basis_fits_purpose, purposes=_only(*DIRECT_PURPOSES)),
    Entry(basis.nobody_refused, purposes=CHECKED),
    Entry(basis.closed_case_not_against_best_interests, basis.CLOSED_CASE_PURPOSES),
    # Section 3: each basis's own conditions
    Entry(basis.caregiver_can_be_asked, CHECKED, CONSENT),
    Entry(basis.consent_given, CHECKED, CONSENT),
    Entry(basis.child_assented, CHECKED, CONSENT),
    Entry(basis.archive_consent_at_intake_and_closure, _only("closed_case_archive"), CONSENT),
    Entry(basis.best_interests_only_for_children, CHECKED, BEST_INTERESTS),
    Entry(basis.best_interests_supports, CHECKED, BEST_INTERESTS),
    Entry(basis.risk_assessed, CHECKED, RISK_BASES),
    Entry(basis.recipient_safe, CHECKED, EXCEPTIONAL_BASES),
    # Section 5: do no harm, always last (the fast path keeps the findings before them apart)
    Entry(harm.contact_is_safe),
    Entry(harm.label_is_neutral),
)
RULES: Final[tuple[Rule, ...]] = tuple(entry.rule for entry in CATALOGUE)
HARM_RULES: Final[tuple[Rule, ...]] = (harm.contact_is_safe, harm.label_is_neutral)


def _select(purpose: str, basis: str, interim: bool, enabled: bool) -> tuple[Rule, ...]:
    return tuple(e.rule for e in CATALOGUE if e.applies(purpose, basis, interim, enabled))


# Every combination of the vocabulary, selected once; another purpose is selected when met.
_TABLE: Final[dict[tuple[str, str, bool, bool], tuple[Rule, ...]]] = {
    (p, b, interim, enabled): _select(p, b, interim, enabled)
    for p in PURPOSES
    for b in BASES
    for interim in (False, True)
    for enabled in (False, True)
}


def rules_for(purpose: str, basis: str, interim: bool, enabled: bool) -> tuple[Rule, ...]:
    """The rules after 1.x that run for a request, in the order their reasons are given."""
    found = _TABLE.get((purpose, basis, interim, enabled))
    return found if found is not None else _select(purpose, basis, interim, enabled)
