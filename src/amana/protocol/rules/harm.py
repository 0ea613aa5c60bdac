"""Rules 5.x: do no harm — neutral labels and safe contact."""

from __future__ import annotations

import re
from functools import cache

from amana.protocol.codes import Code
from amana.protocol.findings import Context, Finding, deny, note
from amana.protocol.vocabulary import HOME_VISIT


@cache
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern per protocol: any term, as a whole word, in any case."""
    words = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])", re.IGNORECASE)


def label_is_neutral(ctx: Context) -> Finding | None:
    """R5.1: a label that reveals the nature of the case is replaced by the neutral label."""
    label = ctx.request.label
    if not label:
        return None
    if _pattern(ctx.protocol.settings.stigmatising_terms).search(label) is None:
        return None
    return note(Code.LABEL_STIGMATISING, neutral=ctx.protocol.settings.neutral_label)


def contact_is_safe(ctx: Context) -> Finding | None:
    """R5.3: never a home visit for a GBV survivor."""
    request = ctx.request
    if not request.subject.gbv_survivor:
        return None
    if (request.contact_method or "").strip().lower() != HOME_VISIT:
        return None
    return deny(Code.CONTACT_UNSAFE)
