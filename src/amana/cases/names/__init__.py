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
   letter, left to right, longest first (`GRAPHEMES`): sh/ch/sch → c, kh → x, ph → f, th → t,
   dh → d, dj → j, q and hard c → k, soft c → s, x → ks, v → w, ou/oo/o → u, ee → i, chr/chl →
   kr/kl (Christine); gh is g at the start of a word (Ghulam, Ghada) and k inside it, where
   Persian writes qaf with it (Sadegh = Sadiq, Bagher = Baqir, Yaghoub = Yaqub). Doubled letters
   become single (Hassan → hasan), a final "ah" loses its silent h (Fatimah → fatima), the
   Persian ending "eh" is Arabic "a" (Fatemeh → fatema, Zohreh, Hamzeh) except in the Arabic
   names whose h is a real ha (`aliases.REAL_FINAL_H`: Saleh, Fateh, Sameh …), and a final
   French "ie" becomes i (Marie). A final -que is k (Rafique, Siddique). The table of
   `aliases` maps spellings no rule brings together to a regular spelling of the same name:
   Mhd, Md, Mohd → Muhammad; Othman, Usman → Osman; Persian and Urdu z for Arabic d/dh (Reza
   and Raza → Rida, Morteza → Murtada, Zia → Diya, Marzieh → Mardiya); Persian gh for q at
   the start of a name (Ghasem → Qasim); Persian e for i (Eisa → Isa).

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
   - *Persian double names* written as one word are two names (`_split_joined`): Mohammadreza
     = Mohammad Reza = Mohammad-Reza, Alireza, Amirhossein, Gholamreza. Only a short list of
     first names (Mohammad, Ali, Amir, Hamid, Gholam, Hossein, Hassan) and second names
     (Reza, Ali, Hossein, Mahdi, Javad, Taghi …) is split, so Natali or Kamali stay whole.

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
   and Layla share one, Daoud and Dawud share a w, Mariam and Maryam a y. An i/u that starts a
   run before a/e is the vowel and its glide, as Arabic writes them (Riad = Riyad, Fouad,
   Hussien); the ae of Raed, Wael and Esmaeil is ai (Raid, Wail, Ismail). A y or w before a
   vowel is a consonant (Yusuf, Ayoub, Wahid); otherwise it is a vowel (Aly = Ali).
   In keys, c stands for sh and x for kh.

**Arabic script** (Arabic, Persian, Dari, Pashto, Urdu letters; `arabic`). Marks and tatweel
are removed (harakat, shadda and the hamza seats are already folded by
`normalise_for_index`); alef maqsura and the Persian, Pashto and Urdu yehs → ya; Persian keheh
→ kaf; Urdu heh forms → ha; alef wasla → alef; the article al- is removed (except from names
that merely begin with those letters, such as Ilyas or Altaf); the particles bin, ibn and bint
are dropped; and the same compounds are kept whole (Abd, Abu, ad-Din, Allah). Each name is
then looked up in the **table of names** (`lexicon`, ``lexicon.txt``: about 400 names, Arabic
and Persian): a name it lists takes the key of its Latin spellings, so محمد, Mohammed and
Muhamad share one key, فاطمه and Fatemeh that of Fatima, محمدرضا (also written with a
zero-width non-joiner) is محمد + رضا, and search and duplicate detection find a child across
scripts with no other change. Short vowels are not written in Arabic, and they are what tells
محمد (Muhammad) from محمود (Mahmud) in Latin letters, so no rule guesses them: a name the table
does not list keeps a key in its own letters (ta marbuta → ha, lone hamza dropped) and is found
in Arabic script only. The table keeps ta marbuta and hamza apart (زهرة Zahra, زهره Zohreh;
علاء Alaa, علا Ula).
Other scripts (Ge'ez, Burmese …) are keyed by the folded word.

Decisions and known limits (the tables in ``tests/cases/test_names.py``, and ADR 0010):
- Omar/Umar and Amr do not share a key (ʿUmar and ʿAmr are different names); Amr, Amir and
  Amer do (the short vowel between m and r is not kept). In Arabic script عمر is Umar and عمرو
  is Amr.
- Hassan vs Hussein/Hossein, Sara vs Zahra, Zahra vs Zohreh and Zahir, Ali vs Alia, Fatima vs
  Fatin, Mahmoud vs Mohammed, Yusuf vs Joseph: distinct, in both scripts and across them.
- Names that differ only in a vowel inside the word share a key in Latin letters (Hamid,
  Hamed, Hamad; Jamal, Jamil; Kamal, Kamil), and so do their Arabic spellings, which take the
  Latin key: حامد, حمد and حميد share one. The test lists every such pair of the table.
- Somali official orthography (c for ayn, x for ḥ: Cali, Maxamed) is not folded into the
  English spellings: Latin c and x are too common elsewhere. Neither are Egyptian g for j
  (Gamal/Jamal), Fatme/Fatima, Brahim/Ibrahim, or Asha/Aisha. A first e is read as a, so the
  rarer e for i misses unless listed (Heba/Hiba, Belal/Bilal). A Persian -e without the h is
  read as the French silent e (Fateme is not Fatemeh). Word-initial Persian gh for q is
  listed, not ruled (Ghasem, Ghorban), and a non-initial gh is q everywhere (Ragheb = Raqib).
- Keys are for finding candidates. Different names can share a key (Hamid, Hamed, Hamad);
  a person confirms a match on the decrypted record.
- Changing these rules or the table changes stored tokens: every `NameToken` and
  `RelatedPerson.name_token` must then be recomputed from the decrypted names, with
  ``amana names reindex`` (`amana.cases.actions.reindex`). `KEY_VERSION` names the rules in
  force: 1 keyed Arabic script in its own letters only; 2 adds the table, the Persian rules
  and the Persian double names.

Caregivers: `RelatedPerson.name_token` holds `caregiver_token(full_name)`, the blind index of
the key of the person's *first* name (their given name) under its own purpose
``caregiver-name``, so a caregiver's token cannot be joined to children's name tokens.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from amana.cases.names.arabic import _arabic_keys
from amana.cases.names.latin import _latin_key, _latin_names
from amana.cases.names.words import LATIN_LETTERS, _arabic_word, _fold, _is_arabic, _words
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
KEY_VERSION = 2


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
