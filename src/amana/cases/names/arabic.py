"""Keys of names written in Arabic script: letters folded to what variants share, the article
and the particles kept apart (`amana.cases.names`)."""

from __future__ import annotations

# --- Arabic script -------------------------------------------------------------------------

ARABIC_LETTERS = str.maketrans(
    {
        "\u0629": "\u0647",  # ta marbuta → ha
        "\u0649": "\u064a",  # alef maqsura → ya
        "\u06cc": "\u064a",  # Persian yeh → ya
        "\u06a9": "\u0643",  # Persian keheh → kaf
        "\u0671": "\u0627",  # alef wasla → alef
        "\u0640": None,  # tatweel
        "\u0621": None,  # a lone hamza
    }
)
ARABIC_NOT_ARTICLE = frozenset({"الياس", "الهام", "الماس", "اليسع"})
AR_ABD, AR_ABU, AR_ALLAH, AR_DIN = "عبد", "ابو", "الله", "الدين"
AR_PARTICLES = frozenset({"بن", "بنت", "ابن"})


def _arabic_word(word: str) -> str:
    return word.translate(ARABIC_LETTERS)


def _strip_article(word: str) -> str:
    if word.startswith("ال") and len(word) >= 5 and word not in ARABIC_NOT_ARTICLE:
        return word[2:]
    return word


def _arabic_split(word: str) -> tuple[str, str] | None:
    for head in (AR_ABD, AR_ABU):
        if word.startswith(head) and len(word) >= len(head) + 2:
            rest = word[len(head) :]
            return head, rest if rest == AR_ALLAH else _strip_article(rest)
    for tail in (AR_DIN, AR_ALLAH):
        if word.endswith(tail) and len(word) >= len(tail) + 2:
            return _strip_article(word[: -len(tail)]), tail
    return None


def _arabic_keys(words: list[str]) -> list[str]:
    keys: list[str] = []
    i = 0
    while i < len(words):
        word, following = words[i], words[i + 1] if i + 1 < len(words) else None
        if following is not None and word in AR_PARTICLES:
            i += 1
        elif following is not None and word in (AR_ABD, AR_ABU, "ابي"):
            rest = following if following == AR_ALLAH else _strip_article(following)
            keys.append(f"{AR_ABU if word == 'ابي' else word}+{rest}")
            i += 2
        elif keys and "+" not in keys[-1] and word in (AR_DIN, AR_ALLAH):
            keys[-1] = f"{keys[-1]}+{word}"
            i += 1
        else:
            split = _arabic_split(word)
            keys.append("+".join(split) if split else _strip_article(word))
            i += 1
    return keys
