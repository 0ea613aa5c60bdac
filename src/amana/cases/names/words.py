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


# Letters folded before anything else: variants of one letter across Arabic, Persian, Pashto
# and Urdu, and what is not a letter of the name. Ta marbuta and the lone hamza are kept for
# the table (زهرة Zahra and زهره Zohreh, علاء Alaa and علا Ula are different names) and
# folded afterwards in the key of a name the table does not know (`arabic.NATIVE_LETTERS`).
ARABIC_LETTERS = str.maketrans(
    {
        "\u0649": "\u064a",  # alef maqsura → ya
        "\u06cc": "\u064a",  # Persian yeh → ya
        "\u06d0": "\u064a",  # Pashto e → ya
        "\u06cd": "\u064a",  # Pashto yeh with tail → ya
        "\u06d2": "\u064a",  # Urdu yeh barree → ya
        "\u06a9": "\u0643",  # Persian keheh → kaf
        "\u06aa": "\u0643",  # swash kaf → kaf
        "\u06c1": "\u0647",  # Urdu heh goal → ha
        "\u06be": "\u0647",  # Urdu heh doachashmee → ha
        "\u06d5": "\u0647",  # ae (the heh of Persian heh with yeh above) → ha
        "\u06c3": "\u0629",  # Urdu teh marbuta goal → ta marbuta
        "\u0671": "\u0627",  # alef wasla → alef
        "\u0640": None,  # tatweel
    }
)


def _arabic_word(word: str) -> str:
    return word.translate(ARABIC_LETTERS)


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"


def _fold(text: str) -> str:
    if text.isascii():  # the same result, without the per-character Unicode work
        return " ".join(text.lower().split())
    return normalise_for_index(text)


def _words(text: str) -> list[str]:
    folded = _fold(text.translate(JOINERS)).translate(LATIN_EXTRA)
    return [word for word in WORD.findall(folded) if len(word) > 1]
