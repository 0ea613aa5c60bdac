"""Name search without plaintext: one spelling-tolerant key per name, stored as blind indexes.

A caseworker must find a child however the name was written. The same Arabic name reaches a
register as Mohammed, Muhammad, Mohamed or Mhd; Abd al-Rahman as Abdul Rahman, Abdelrahman or
Abdurrahman. `name_keys` turns every name of a full name into a *key* that such spellings
share, and `name_tokens` stores each key as a blind index (HMAC, `amana.crypto.keys.index_for`)
in `NameToken` rows. Search and duplicate detection compare tokens only, never plaintext.

A key is built in four readable steps. The tests in ``tests/cases/test_names.py`` hold the
tables of spellings that must share a key and of names that must not.

1. **Words.** Case, accents and spacing are folded (`normalise_for_index`); apostrophes and
   ayn/hamza marks are dropped inside a word (Sa'id → said); anything else that is not a letter
   separates words (al-Hassan → al, hassan). One-letter words (initials) are ignored.

2. **Spelling** (Latin script, `_spell`). Graphemes that spell one sound are rewritten to one
   letter, left to right, longest first (`GRAPHEMES`): sh/ch/sch → c, kh → x, gh → g, ph → f,
   th → t, dh → d, dj → j, q and hard c → k, soft c → s, x → ks, v → w, ou/oo/o → u, ee → i,
   chr/chl → kr/kl (Christine). Doubled letters become single (Hassan → hasan), a final "ah"
   loses its silent h (Fatimah → fatima), and a final French "ie" becomes i (Marie). A short
   table of irregular spellings (`ALIASES`: Mhd, Md, Mohd → Muhammad; Ismael → Ismail; Othman,
   Uthman → Osman …) is applied to the spelt word. A final -que is k (Rafique, Siddique).

3. **Compound names** become one name (`_latin_names`):
   - *Abd + name*: ``Abd``, ``Abdul``, ``Abdel``, ``Abdal``, ``Abdur``, ``Abdus`` … followed by a
     name, with or without an article in between, are joined and read as one word. A word that
     starts with "abd" is split into "abd" and the name after the article: the article is a
     vowel and l (Abdulaziz, Abdelkader), or a lone vowel where the article's l was assimilated
     or dropped (Abdurrahman, Abdirahman, Abderrahmane). Abd Allah, Abdullah, Abdallah,
     Abdulla, Abdullahi and Abdoulaye all end in "allah". Abdi, Abdu, Abdo, Abdou, Abdul and
     Abdel on their own (no name after) are ordinary names: Somali Abdi is a name in itself and
     is never joined to the next word.
   - *Abu + name*: Abu Bakr, Abou Bakr, Abubakar, Aboubacar.
   - *name + ad-Din*: Nur al-Din, Nuruddin, Noureddine, Nour Eddine, Salah ad-Din.
   - *name + Allah*: Rahmatullah, Rahmat Ullah, Hamidollah (a joined word needs the double l,
     so Ursula or Ngalula are left alone).
   - Articles standing alone are dropped before a name: al/el/ul/il always, and the assimilated
     forms (ad-, ar-, as-, ash-, an-, at-, az-, ud-, ur-, us-, …) when the next name starts with
     that consonant (ar-Rashid). A word written with its article attached (Alhassan) keeps it.
   - The particles bin, ibn and bint are dropped before a name.

4. **Skeleton** (`_skeleton`). Short vowels are what transliterations disagree on (Mohammed,
   Muhammad; Khaled, Khalid), so only two vowels are kept, reduced to three classes a (a, e),
   i (i, y, ee) and u (u, o, ou, oo):
   - the *first* vowel of the word, which separates Hassan from Hussein, Mahmoud from Mohammed
     and Omar from Amr; a word-initial e counts as i (Ebrahim, Esmail, Eman), any other first e
     as a (Zeinab, Mehdi, Jemal, Rehman). It is written after the first consonant wherever it
     came, so a dropped vowel does not matter (Fereshta, Freshta);
   - the *final* vowel, which separates Ali from Alia and Amin from Amina. A final e after a
     consonant is silent (Amine, Yassine, Imane, Hassane).
   Every consonant is kept. An i/y or u/w beside another vowel is a consonant glide: Hussein,
   Husain, Husayn and Hossein all have the y of Arabic Husayn (so they are not Hassan), Leila
   and Layla share one, Daoud and Dawud share a w, Mariam and Maryam a y. A y or w before a
   vowel is a consonant (Yusuf, Ayoub, Wahid); otherwise it is a vowel (Aly = Ali).
   In keys, c stands for sh and x for kh.

Arabic script is keyed in its own alphabet: marks and tatweel removed (harakat, shadda and the
hamza on alef are already folded by `normalise_for_index`), ta marbuta → ha, alef maqsura and
Persian yeh → ya, Persian keheh → kaf, alef wasla → alef, a lone hamza dropped, the article
al- removed (except from names that merely begin with those letters, such as Ilyas), and the
same compounds (Abd, Abu, ad-Din, Allah). Latin and Arabic spellings of one name do not share
a key: short vowels are not written in Arabic, so no reliable mapping exists. Register the
Arabic spelling under "other names" to find the child both ways.
Other scripts (Ge'ez, Burmese …) are keyed by the folded word.

Decisions and known limits:
- Omar/Umar and Amr do not share a key (ʿUmar and ʿAmr are different names); Amr, Amir and
  Amer do (the short vowel between m and r is not kept).
- Hassan vs Hussein, Sara vs Zahra, Ali vs Alia, Mahmoud vs Mohammed, Yusuf vs Joseph: distinct.
- Somali official orthography (c for ayn, x for ḥ: Cali, Maxamed) is not folded into the
  English spellings: Latin c and x are too common elsewhere. Neither are Egyptian g for j
  (Gamal/Jamal), Fatme/Fatima, Brahim/Ibrahim, or Asha/Aisha. A first e is read as a, so the
  rarer e for i misses (Heba/Hiba, Belal/Bilal). Persian -eh is not -a (Fereshteh/Fereshta):
  the h is kept because Arabic Saleh and Fateh end in a real h (Salih, Fatih).
- Keys are for finding candidates. Different names can share a key (Hamid, Hamed, Hamad);
  a person confirms a match on the decrypted record.
- Changing these rules changes stored tokens: every `NameToken` and `RelatedPerson.name_token`
  must then be recomputed from the decrypted names. `KEY_VERSION` names the rules in force.

Caregivers: `RelatedPerson.name_token` holds `caregiver_token(full_name)`, the blind index of
the key of the person's *first* name (their given name) under its own purpose
``caregiver-name``, so a caregiver's token cannot be joined to children's name tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from amana.crypto.cipher import normalise_for_index
from amana.crypto.keys import index_for

PURPOSE = "child-name"
CAREGIVER_PURPOSE = "caregiver-name"
KEY_VERSION = 1

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


# --- 2. Spelling (Latin) -------------------------------------------------------------------

# One sound, one letter. Matched longest first, left to right; the output is not re-read.
GRAPHEMES: dict[str, str] = {
    "sch": "c",  # Schams
    "chr": "kr",  # Christine, Christophe
    "chl": "kl",  # Chloé
    "ch": "c",  # Aicha, Hicham, Rachid (French sh)
    "sh": "c",
    "kh": "x",  # Khaled, Khadija
    "gh": "g",  # Ghulam
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

# Spellings too irregular for the rules, mapped to a regular spelling of the same name.
ALIASES: dict[str, str] = {
    "mhd": "muhammad",
    "mhmd": "muhammad",
    "md": "muhammad",  # Rohingya and Bangladeshi registers: "Md. Yunus"
    "mohd": "muhammad",
    "muhd": "muhammad",
    "mohamud": "mahmud",  # Somali spelling of Mahmoud
    "mohamoud": "mahmud",
    "ismael": "ismail",
    "ismaeel": "ismail",
    "smail": "ismail",
    "othman": "osman",
    "uthman": "osman",
    "usman": "osman",
    "outhman": "osman",
}


def _rewrite(word: str) -> str:
    """Graphemes to letters, before doubled letters are merged."""
    return GRAPHEME.sub(lambda match: GRAPHEMES[match.group()], word)


def _finish(rewritten: str) -> str:
    spelt = DOUBLED.sub(r"\1", rewritten)
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
ABU_WORDS = frozenset({"abu", "abuu", "abo"})
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
    rest = word[3:] if word.startswith("abu") else ""
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
        names.append(compound or Name(word))
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
    """A vowel run: i/u beside a/e are glides (ai → a y, ia → y a); then one vowel per run."""
    out: list[str] = []
    for index, ch in enumerate(run):
        neighbours = run[max(0, index - 1) : index] + run[index + 1 : index + 2]
        if len(run) > 1 and ch in GLIDES and any(n in LOW_VOWELS for n in neighbours):
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


def _latin_key(name: Name) -> str:
    if name.tail == "allah" and name.head:
        return f"{_head_key(name.head)}+allah"
    if name.tail == "din" and name.head:
        return f"{_head_key(name.head)}+din"
    if name.head:
        return f"{name.head}+{_skeleton(name.tail)}"
    return _skeleton(name.tail)


def _head_key(head: str) -> str:
    return head if head in ("abd", "abu") else _skeleton(head)


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


# --- Public functions ----------------------------------------------------------------------


def _script_runs(words: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Consecutive words of one script, so compounds are read within a script."""
    runs: list[tuple[str, list[str]]] = []
    for word in words:
        script = "other"
        if set(word) <= LATIN_LETTERS:
            script = "latin"
        elif any(_is_arabic(ch) for ch in word):
            script = "arabic"
        if runs and runs[-1][0] == script:
            runs[-1][1].append(word)
        else:
            runs.append((script, [word]))
    return runs


def name_keys(text: str) -> list[str]:
    """The comparison key of each name in `text`, in order, without repeats."""
    keys: list[str] = []
    for script, words in _script_runs(_words(text)):
        if script == "latin":
            keys.extend(_latin_key(name) for name in _latin_names(words))
        elif script == "arabic":
            keys.extend(_arabic_keys([_arabic_word(word) for word in words]))
        else:
            keys.extend(unicodedata.normalize("NFC", word) for word in words)
    return list(dict.fromkeys(key for key in keys if key))


def name_tokens(text: str) -> list[str]:
    """Blind indexes of the distinct name keys, for NameToken rows and for search."""
    return sorted({index_for(PURPOSE, key) for key in name_keys(text)})


def caregiver_token(full_name: str) -> str:
    """`RelatedPerson.name_token`: the blind index of the key of the person's first name."""
    keys = name_keys(full_name)
    return index_for(CAREGIVER_PURPOSE, keys[0]) if keys else ""
