"""Words of a name: apostrophes inside a word dropped, case and accents folded, split on
what is not a letter (`amana.cases.names`)."""

from __future__ import annotations

import re

from amana.crypto.cipher import normalise_for_index

# --- 1. Words ------------------------------------------------------------------------------

# Inside a word these are dropped, not separators: Sa'id, Ma'moun, O'Brien; typographic
# apostrophes, acute accent, and the ayn/hamza half rings and modifier letters. Removed before
# folding, which would turn the spacing acute accent into a space.
JOINERS = dict.fromkeys(map(ord, "'`\u2019\u2018\u00b4\u02bf\u02be\u02bc\u02bb"))
# Latin letters that compatibility decomposition does not fold.
LATIN_EXTRA = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l"})
LATIN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
WORD = re.compile(r"[^\W\d_]+")


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"


def _fold(text: str) -> str:
    if text.isascii():  # the same result, without the per-character Unicode work
        return " ".join(text.lower().split())
    return normalise_for_index(text)


def _words(text: str) -> list[str]:
    folded = _fold(text.translate(JOINERS)).translate(LATIN_EXTRA)
    return [word for word in WORD.findall(folded) if len(word) > 1]
