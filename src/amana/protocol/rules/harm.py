"""Rules 5.x: do no harm — neutral labels and safe contact."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from amana.protocol.codes import Code
from amana.protocol.findings import Context, Finding, deny, note
from amana.protocol.model import Protocol
from amana.protocol.vocabulary import HOME_VISIT


@cache
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern per protocol: any term, as a whole word, in any case."""
    words = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _stigmatising(terms: tuple[str, ...], label: str) -> bool:
    return _pattern(terms).search(label) is not None


def is_stigmatising(protocol: Protocol, label: str | None) -> bool:
    """The label names one of the protocol's stigmatising terms (kept per label met)."""
    if not label:
        return False
    return _stigmatising(protocol.settings.stigmatising_terms, label)


@lru_cache(maxsize=256)
def is_home_visit(contact_method: str | None) -> bool:
    return (contact_method or "").strip().lower() == HOME_VISIT


def label_is_neutral(ctx: Context) -> Finding | None:
    """R5.1: a label that reveals the nature of the case is replaced by the neutral label."""
    if not is_stigmatising(ctx.protocol, ctx.request.label):
        return None
    return note(Code.LABEL_STIGMATISING, neutral=ctx.protocol.settings.neutral_label)


def contact_is_safe(ctx: Context) -> Finding | None:
    """R5.3: never a home visit for a GBV survivor."""
    request = ctx.request
    if not request.subject.gbv_survivor:
        return None
    if not is_home_visit(request.contact_method):
        return None
    return deny(Code.CONTACT_UNSAFE)
