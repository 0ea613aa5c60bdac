"""Keys of names written in Latin letters: spelling rewritten to what variants share,
compound names (Abd al-, Abu, -din, -allah) kept whole, and the consonant skeleton with its
vowel classes (`amana.cases.names`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from amana.cases.names.aliases import ALIASES, REAL_FINAL_H

# --- 2. Spelling (Latin) -------------------------------------------------------------------

# One sound, one letter. Matched longest first, left to right; the output is not re-read.
GRAPHEMES: dict[str, str] = {
    "sch": "c",  # Schams
    "chr": "kr",  # Christine, Christophe
    "chl": "kl",  # Chloé
    "ch": "c",  # Aicha, Hicham, Rachid (French sh)
    "sh": "c",
    "kh": "x",  # Khaled, Khadija
    "gh": "k",  # inside a word, Persian spelling of qaf: Sadegh, Bagher, Yaghoub (initial: g)
    "ph": "f",  # Mustapha, Joseph
    "th": "t",  # Haitham, Thamer
    "dh": "d",  # Dhahabo
    "dj": "j",  # Djamila, Khadidja
    "ck": "k",
    "ce": "se",
    "ci": "si",
    "cy": "sy",
    "c": "k",  # Aboubacar, Kacem
    "q": "k",  # Qasim, Tariq
    "x": "ks",
    "v": "w",  # Vahid/Wahid, Navid/Naweed, Davoud
    "ou": "u",  # Youssef, Mahmoud, Abdoul
    "oo": "u",  # Noor, Mahmood
    "o": "u",  # Omar/Umar, Hosein
    "ee": "i",  # Ameer, Rasheed
}
GRAPHEME = re.compile("|".join(sorted(GRAPHEMES, key=len, reverse=True)))
DOUBLED = re.compile(r"(.)\1+")


def _rewrite(word: str) -> str:
    """Graphemes to letters, before doubled letters are merged. A word-initial gh is the
    ghayn of Ghulam and Ghada (g); inside a word it is the Persian spelling of qaf (k)."""
    if word.startswith("gh"):
        return "g" + _rewrite(word[2:])
    return GRAPHEME.sub(lambda match: GRAPHEMES[match.group()], word)


def _finish(rewritten: str) -> str:
    spelt = DOUBLED.sub(r"\1", rewritten)
    if spelt.endswith("eh") and len(spelt) > 3 and spelt not in REAL_FINAL_H:
        spelt = spelt[:-2] + "a"  # Persian -eh is Arabic -a: Fatemeh, Zohreh, Hamzeh
    if spelt.endswith("ah") and len(spelt) > 2:
        spelt = spelt[:-1]  # Fatimah, Aminah, Aliyah: the h is silent
    if spelt.endswith("ie") and len(spelt) > 3:
        spelt = spelt[:-1]  # Marie, Sophie, Annie
    if spelt.endswith("kue") and len(spelt) > 4:
        spelt = spelt[:-2]  # Rafique, Siddique, Tarique: French and English -que
    return spelt


@lru_cache(maxsize=8192)
def _spell(word: str) -> str:
    return _finish(_rewrite(word))


SPELT_ALIASES = {_spell(variant): _spell(name) for variant, name in ALIASES.items()}


# --- 3. Compound names ---------------------------------------------------------------------

# Spelt forms (after _spell), so Abdoul = Abdul and Abdush = abduc.
ABD_PREFIXES = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abdil", "abdur", "abdus", "abduc", "abdun", "abdud"}
    | {"abdut", "abduz", "abdar", "abdas", "abdan", "abder", "abdes", "abden"}
)
ABU_WORDS = frozenset({"abu", "abuu", "abo", "abul"})  # Abul Kalam, Abul Fazl
PARTICLES = frozenset({"bin", "ibn", "bint", "ibnu"})
ARTICLES = frozenset({"al", "el", "ul", "il"})
# An assimilated article (ar-Rashid, as-Salam, ash-Shami) before a name starting with its letter.
ASSIMILATED = re.compile(r"^[aeiu]([tdrzsncl])$")
DIN_WORDS = frozenset({"din", "dine", "udin", "edin", "idin", "adin"})
DIN_WORDS |= frozenset({"uldin", "eldin", "aldin", "ildin", "udine", "edine", "eldine"})
DIN_CONNECTORS = ("al", "ul", "el", "il", "u", "e", "i", "a")
# Allah written apart (Rahmat Ullah), recognised on the folded word: spelt, "Allah" would be "ala"
# like the name Alaa.
ALLAH_WORDS = frozenset({"allah", "alla", "ullah", "ulla", "ollah", "olla", "ullahi", "allahi"})
ALLAH_JOINED = re.compile(r"[aou]llah?$")  # on the rewritten word: the double l is required
ALLAH_AFTER_ABD = re.compile(r"^[aeiu]?lah?i?$|^[aeiu]?laye$")  # Abdullah(i), Abdoulaye
VOWELS = frozenset("aeiu")
ABU_ARTICLE = re.compile(r"^[aeiu]?l[^aeiuyw]")  # Abu al-Qasim, Abolghasem, Abulfazl


@dataclass(frozen=True, slots=True)
class Name:
    """One name of a full name: a plain word (`tail`), or a compound `head` + `tail`."""

    tail: str
    head: str = ""


def _is_article_before(word: str, following: str | None) -> bool:
    if following is None:
        return False
    if word in ARTICLES:
        return True
    assimilated = ASSIMILATED.match(word)
    return assimilated is not None and following.startswith(assimilated.group(1))


def _split_abd(word: str) -> Name | None:
    """Abdulaziz → abd + aziz; Abdurrahman → abd + rahman; Abdullah → abd + allah."""
    if not word.startswith("abd"):
        return None
    rest = word[3:]
    if ALLAH_AFTER_ABD.match(rest):
        return Name("allah", head="abd")
    if rest[:1] in VOWELS:
        rest = rest[2:] if rest[1:2] == "l" and len(rest) > 3 else rest[1:]
    if len(rest) < 2 or (rest[0] in VOWELS and len(rest) < 3):
        return None
    return Name(rest, head="abd")


def _split_abu(word: str) -> Name | None:
    """Abubakar → abu + bakar; the article after Abu is dropped: Abu al-Fadl, Abolfazl."""
    rest = word[3:] if word.startswith("abu") else ""
    if ABU_ARTICLE.match(rest):
        rest = rest[2:] if rest[0] in VOWELS else rest[1:]
    if len(rest) >= 3 and rest[0] not in VOWELS:
        return Name(rest, head="abu")
    return None


def _split_din(word: str) -> Name | None:
    """Nuruddin, Noureddine, Kamaluddin → name + din (the stem must end in a consonant)."""
    for ending in ("dine", "din"):
        if not word.endswith(ending):
            continue
        stem = word[: -len(ending)]
        for connector in DIN_CONNECTORS:
            name = stem[: -len(connector)]
            if stem.endswith(connector) and len(name) >= 3 and name[-1] not in VOWELS:
                return Name("din", head=_finish(name))  # Salahuddin: Salah
    return None


def _split_allah(raw: str) -> Name | None:
    """Rahmatullah, Hamidollah, Fathallah → name + allah (the raw word has the double l)."""
    rewritten = _rewrite(raw)
    match = ALLAH_JOINED.search(rewritten)
    if match is None or match.start() < 3:
        return None
    return Name("allah", head=_finish(rewritten[: match.start()]))


@lru_cache(maxsize=8192)
def _split_joined(raw: str) -> tuple[Name, Name] | None:
    """Persian double names written as one word: Mohammadreza, Alireza, Amirhossein. Split on
    the folded word, so no grapheme is read across the join (Mohammad|hossein is not dh)."""
    ending = JOINED_TAIL.search(raw)
    if ending is None:
        return None
    head, tail = raw[: ending.start()], ending.group()
    if len(head) >= 3 and _skeleton(_alias(_spell(head))) in JOINED_HEADS:
        return Name(_alias(_spell(head))), Name(_alias(_spell(tail)))
    return None


def _latin_names(raw_words: list[str]) -> list[Name]:
    spelt = [SPELT_ALIASES.get(w, w) for w in (_spell(raw) for raw in raw_words)]
    names: list[Name] = []
    i = 0
    while i < len(spelt):
        word, following = spelt[i], spelt[i + 1] if i + 1 < len(spelt) else None
        if _is_article_before(word, following) or (following and word in PARTICLES):
            i += 1
            continue
        if following is not None and (word in ABD_PREFIXES or word in ABU_WORDS):
            # Join the prefix, any articles and the next name, and read them as one word.
            j = i + 1
            while j + 1 < len(spelt) and _is_article_before(spelt[j], spelt[j + 1]):
                j += 1
            joined = _finish("".join(spelt[i : j + 1]))
            compound = _split_abd(joined) or _split_abu(joined)
            names.append(compound or Name(joined))
            i = j + 1
            continue
        tail = "din" if word in DIN_WORDS else "allah" if raw_words[i] in ALLAH_WORDS else ""
        if tail and names and not names[-1].head:
            names[-1] = Name(tail, head=names[-1].tail)
            i += 1
            continue
        compound = (
            _split_abd(word) or _split_abu(word) or _split_allah(raw_words[i]) or _split_din(word)
        )
        names.extend([compound] if compound else _split_joined(raw_words[i]) or [Name(word)])
        i += 1
    return names


# --- 4. Skeleton ---------------------------------------------------------------------------

GLIDES = {"i": "y", "u": "w"}
LOW_VOWELS = frozenset("ae")


def _segments(spelt: str) -> list[str]:
    """Consonants and vowel runs; y/w before a vowel are consonants, otherwise vowels."""
    letters = []
    for index, ch in enumerate(spelt):
        next_is_vowel = index + 1 < len(spelt) and spelt[index + 1] in VOWELS
        letters.append({"y": "i", "w": "u"}.get(ch, ch) if not next_is_vowel else ch)
    segments: list[str] = []
    for ch in letters:
        if ch in VOWELS and segments and segments[-1][-1] in VOWELS:
            segments[-1] += ch
        else:
            segments.append(ch)
    return segments


def _resolve_run(run: str) -> list[str]:
    """A vowel run: i/u beside a/e are glides, one vowel per run. After a/e (ai, ei, au) the
    i/u is the glide alone (Husain → husayn); before it (ia, ua, ie) it is the vowel and its
    glide (Riad → riyad, Fouad → fuwad, Hussien → husiyen), as Arabic writes them. The ae of
    Raed, Wael and Esmaeil is ai (Raid, Wail, Ismail)."""
    run = run.replace("ae", "ai", 1).replace("aii", "ai")
    out: list[str] = []
    for index, ch in enumerate(run):
        before, after = run[index - 1 : index], run[index + 1 : index + 2]
        if ch in GLIDES and index == 0 and after in LOW_VOWELS:
            out.extend([ch, GLIDES[ch]])
        elif ch in GLIDES and (before in LOW_VOWELS or after in LOW_VOWELS):
            out.append(GLIDES[ch])
        elif not (out and out[-1] in VOWELS):
            out.append(ch)
    return out


def _vowel_class(vowel: str, initial: bool) -> str:
    if vowel == "e":
        return "i" if initial else "a"
    return vowel


@lru_cache(maxsize=8192)
def _skeleton(spelt: str) -> str:
    sounds: list[str] = []
    for segment in _segments(spelt):
        sounds.extend(_resolve_run(segment) if segment[0] in VOWELS else [segment])
    vowels = [index for index, s in enumerate(sounds) if s in VOWELS]
    if len(vowels) > 1 and sounds[-1] == "e" and sounds[-2] not in VOWELS:
        sounds.pop()  # silent final e: Amine, Yassine, Imane
        vowels.pop()
    consonants = "".join(s for s in sounds if s not in VOWELS)
    if not vowels:
        return consonants
    first = _vowel_class(sounds[vowels[0]], initial=vowels[0] == 0)
    final = ""
    if sounds[-1] in VOWELS and vowels[-1] != vowels[0]:
        final = _vowel_class(sounds[-1], initial=False)
    if vowels[0] == 0:
        return first + consonants + final
    # The first vowel goes after the first consonant wherever it was: Freshta = Fereshta.
    return consonants[:1] + first + consonants[1:] + final


def _alias(spelt: str) -> str:
    return SPELT_ALIASES.get(spelt, spelt)


def _latin_key(name: Name) -> str:
    if name.tail == "allah" and name.head:
        return f"{_head_key(name.head)}+allah"
    if name.tail == "din" and name.head:
        return f"{_head_key(name.head)}+din"
    if name.head:
        return f"{name.head}+{_skeleton(_alias(name.tail))}"
    return _skeleton(_alias(name.tail))


def _head_key(head: str) -> str:
    return head if head in ("abd", "abu") else _skeleton(_alias(head))


# Persian double names written as one word (`_split_joined`): the first name's key, and the
# second name's spellings (spelt). Both lists are short on purpose: a plain name that happens
# to end like a second name (Natali, Kamali) must stay whole.
JOINED_HEADS = frozenset({"muhmd", "ali", "amr", "hamd", "gulm", "husyn", "hasn"})
JOINED_TAILS = sorted(
    [
        *("reza", "rida", "raza", "ali", "mahdi", "mehdi", "hadi", "amin", "karim", "rahim"),
        *("hossein", "hosein", "hussein", "husain", "hossain", "husayn", "hasan", "hassan"),
        *("javad", "jawad", "taghi", "taqi", "naghi", "naqi", "sadegh", "sadiq", "bagher"),
        *("baqir", "baqer", "kazem", "kazim", "jafar", "jaafar", "akbar", "asghar", "abbas"),
        *("mohammad", "muhammad", "mohammed", "mohamed"),
    ],
    key=len,
    reverse=True,
)
JOINED_TAIL = re.compile(f"(?:{'|'.join(JOINED_TAILS)})$")
JOINED_TAIL_KEYS = frozenset(_skeleton(_alias(_spell(tail))) for tail in JOINED_TAILS)
