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

import unicodedata
from collections.abc import Iterable

from amana.cases.names.arabic import _arabic_keys, _arabic_word
from amana.cases.names.latin import _latin_key, _latin_names
from amana.cases.names.words import LATIN_LETTERS, _fold, _is_arabic, _words
from amana.crypto.keys import index_for

__all__ = [
    "CAREGIVER_PURPOSE",
    "KEY_VERSION",
    "PURPOSE",
    "_fold",
    "caregiver_token",
    "name_keys",
    "name_tokens",
]

PURPOSE = "child-name"
CAREGIVER_PURPOSE = "caregiver-name"
KEY_VERSION = 1


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
