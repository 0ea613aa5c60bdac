"""Keys of names written in Arabic script (Arabic, Persian, Dari, Pashto, Urdu letters): the
letters folded to what spellings share, the article and the particles set apart, compounds
kept whole, and each name read in the table of vocalised names (`lexicon`) to take the key of
its Latin spellings (`amana.cases.names`)."""

from __future__ import annotations

from amana.cases.names.lexicon import AR_ABD, AR_ABU, AR_ALLAH, AR_DIN, latin_keys_of_arabic

# --- Arabic script -------------------------------------------------------------------------

# Folded in the key of a name the table does not know.
NATIVE_LETTERS = str.maketrans({"\u0629": "\u0647", "\u0621": None})  # ta marbuta, lone hamza
ARABIC_NOT_ARTICLE = frozenset({"الياس", "الهام", "الماس", "اليسع", "الطاف", "الناز", "الميرا"})
AR_PARTICLES = frozenset({"بن", "بنت", "ابن"})


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


def _arabic_names(words: list[str]) -> list[tuple[str, ...]]:
    """Each name as its parts: (name,), or a compound (head, name) or (name, tail)."""
    names: list[tuple[str, ...]] = []
    i = 0
    while i < len(words):
        word, following = words[i], words[i + 1] if i + 1 < len(words) else None
        if following is not None and word in AR_PARTICLES:
            i += 1
        elif following is not None and word in (AR_ABD, AR_ABU, "ابي"):
            rest = following if following == AR_ALLAH else _strip_article(following)
            names.append((AR_ABU if word == "ابي" else word, rest))
            i += 2
        elif names and len(names[-1]) == 1 and word in (AR_DIN, AR_ALLAH):
            names[-1] = (names[-1][0], word)
            i += 1
        else:
            names.append(_arabic_split(word) or (_strip_article(word),))
            i += 1
    return names


def _arabic_keys(words: list[str]) -> list[str]:
    """The key of each name: its Latin key when the table knows it, else the folded letters."""
    keys: list[str] = []
    for parts in _arabic_names(words):
        latin = latin_keys_of_arabic(parts)
        if latin:
            keys.extend(latin)
        else:
            keys.append("+".join(part.translate(NATIVE_LETTERS) for part in parts))
    return keys
