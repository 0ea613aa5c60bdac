"""The table of names written in Arabic script and their Latin spellings (`lexicon.txt`).

Arabic script leaves short vowels unwritten, and they are what tells apart names that Latin
letters write apart: محمد is Muhammad and محمود Mahmud, but a rule that guessed the vowels
would also read Muhammad into Mahmoud's letters. So a name in Arabic script takes the key of
its Latin spellings only when the table lists it: `latin_keys_of_arabic` looks the name up
and keys its first Latin spelling with the Latin rules, so محمد, Mohammed and Muhamad share
one key by construction. A name the table does not know keeps a key in its own letters and
is found only in Arabic script.

Each line of the table is ``ARABIC [/ ARABIC …] = LATIN [/ LATIN …]``: the Arabic spellings
of one name (written as people write them; marks, hamza seats and Persian letters are folded
as in any name), then its Latin spellings, the first being the one keyed. The other Latin
spellings document the entry: the tests check that they all share the key. An Arabic
spelling ending in ta marbuta is also found with a final ha (فاطمة, فاطمه), and one with a
lone hamza also without it (زهراء, زهرا), unless that other form is an entry of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from amana.cases.names.latin import JOINED_HEADS, JOINED_TAIL_KEYS, _latin_key, _latin_names
from amana.cases.names.words import _arabic_word, _fold, _words

AR_ABD, AR_ABU, AR_ALLAH, AR_DIN = "عبد", "ابو", "الله", "الدين"
TA_MARBUTA, HA, HAMZA = "\u0629", "\u0647", "\u0621"


@dataclass(frozen=True)
class Entry:
    arabic: tuple[str, ...]  # as folded for lookup
    latin: tuple[str, ...]  # the first is keyed


def _lookup_form(spelling: str) -> str:
    return _arabic_word(_fold(spelling)).replace(" ", "")


def parse_table(text: str) -> list[Entry]:
    """Entries of the table text; a malformed line raises ValueError naming it."""
    entries = []
    for number, text_line in enumerate(text.splitlines(), start=1):
        line = text_line.split("#", 1)[0].strip()
        if not line:
            continue
        arabic, sep, latin = line.partition("=")
        spellings = [s.strip() for s in arabic.split("/") if s.strip()]
        latins = [s.strip() for s in latin.split("/") if s.strip()]
        scripts_right = all(s.isascii() for s in latins) and not any(s.isascii() for s in spellings)
        if not sep or not spellings or not latins or not scripts_right:
            raise ValueError(f"lexicon line {number}: expected ARABIC / … = LATIN / …")
        entries.append(Entry(tuple(_lookup_form(s) for s in spellings), tuple(latins)))
    return entries


def _variants(spelling: str) -> set[str]:
    """The spelling with a final ta marbuta written as ha, and without its lone hamzas."""
    forms = {spelling}
    if spelling.endswith(TA_MARBUTA):
        forms.add(spelling[:-1] + HA)
    forms |= {form.replace(HAMZA, "") for form in forms}
    return forms


@cache
def table() -> dict[str, str]:
    """Lookup form → the Latin spelling keyed. Listed spellings win over derived variants; a
    variant derived from two different names is left out (it could be either)."""
    entries = parse_table(resources.files(__package__).joinpath("lexicon.txt").read_text("utf-8"))
    listed = {spelling: entry.latin[0] for entry in entries for spelling in entry.arabic}
    derived: dict[str, set[str]] = {}
    for entry in entries:
        for spelling in entry.arabic:
            for form in _variants(spelling) - listed.keys():
                derived.setdefault(form, set()).add(entry.latin[0])
    unambiguous = {form: next(iter(names)) for form, names in derived.items() if len(names) == 1}
    return unambiguous | listed


@cache
def latin_keys(latin: str) -> tuple[str, ...]:
    return tuple(_latin_key(name) for name in _latin_names(_words(latin)))


def _is_double_name(head: str, tail: str) -> bool:
    return latin_keys(head)[0] in JOINED_HEADS and latin_keys(tail)[0] in JOINED_TAIL_KEYS


@cache
def _split_joined(word: str) -> tuple[str, ...] | None:
    """Persian double names written as one word: محمدرضا, علیرضا, امیرحسین."""
    known = table()
    for cut in range(3, len(word) - 1):
        head, tail = known.get(word[:cut]), known.get(word[cut:])
        if head and tail and _is_double_name(head, tail):
            return latin_keys(head) + latin_keys(tail)
    return None


def _compound(head: str, tail: str, known: dict[str, str]) -> str | None:
    """A compound in Latin letters, for the Latin rules to key: Abd al-…, Abu …, … ad-Din."""
    if head == AR_ABD and tail == AR_ALLAH:
        return "Abd Allah"
    if head in (AR_ABD, AR_ABU):
        named = known.get(tail)
        return None if named is None else f"Abd al-{named}" if head == AR_ABD else f"Abu {named}"
    if head in known and tail in (AR_DIN, AR_ALLAH):
        return f"{known[head]} {'Din' if tail == AR_DIN else 'Allah'}"
    return None


def latin_keys_of_arabic(parts: tuple[str, ...]) -> tuple[str, ...]:
    """The Latin keys of one name in Arabic script, as parts (`arabic._arabic_names`), or ()
    when the table does not know every part."""
    known = table()
    if len(parts) == 1:
        word = parts[0]
        return latin_keys(known[word]) if word in known else _split_joined(word) or ()
    phrase = _compound(parts[0], parts[1], known)
    return latin_keys(phrase) if phrase else ()
