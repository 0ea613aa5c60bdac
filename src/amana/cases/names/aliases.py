"""Latin spellings the rules cannot bring together, each mapped to a regular spelling of the
same name (`amana.cases.names`, step 2). Both sides are spelt (`latin._spell`) before use, so
an entry covers its doubled-letter and grapheme variants too (Ghassem = Ghasem).

Every entry here is one name written two ways; a pair of different names must never be
added to make a search find more. The tests in ``tests/cases/test_names.py`` check that the
aliased names still differ from the names they must not match.
"""

from __future__ import annotations

# Abbreviations and irregular spellings.
IRREGULAR: dict[str, str] = {
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

# Persian, Urdu and Turkish spell the Arabic dad and dhal with z, Arabic registers with d or dh
# (Reza is Rida, Morteza is Murtada). The letters cannot be merged (Zaid is not Daid), so the
# common names are listed. Egyptian and Maghrebi e for i in Reda, Redouane.
Z_FOR_D: dict[str, str] = {
    "reza": "rida",
    "raza": "rida",
    "riza": "rida",
    "reda": "rida",
    "redha": "rida",
    "morteza": "murtada",
    "murtaza": "murtada",
    "mortaza": "murtada",
    "murtadha": "murtada",
    "mortada": "murtada",
    "ramezan": "ramadan",
    "ramazan": "ramadan",
    "ramzan": "ramadan",
    "ramadhan": "ramadan",
    "zia": "diya",
    "ziya": "diya",
    "dia": "diya",
    "dhia": "diya",
    "razia": "radiya",
    "raziya": "radiya",
    "razieh": "radiya",
    "raziyeh": "radiya",
    "radhia": "radiya",
    "marzia": "mardiya",
    "marziya": "mardiya",
    "marzieh": "mardiya",
    "marziyeh": "mardiya",
    "rezvan": "ridwan",
    "rizwan": "ridwan",
    "rezwan": "ridwan",
    "redouane": "ridwan",
    "redwan": "ridwan",
    "fazel": "fadil",
    "fazil": "fadil",
    "fadhil": "fadil",
    "fazl": "fadl",
    "fadhl": "fadl",
    "kadhim": "kazim",
    "kadim": "kazim",
    "kathim": "kazim",
    "kathem": "kazim",
    "kadhem": "kazim",
}

# Persian gh for qaf at the start of a name. Inside a word the rules read every gh as q
# (Sadegh, Bagher, Yaghoub); at the start gh is the ghayn of Ghulam and Ghada.
INITIAL_GH_FOR_Q: dict[str, str] = {
    "ghasem": "qasim",
    "ghasim": "qasim",
    "ghasemi": "qasimi",
    "ghorban": "qurban",
    "ghorbani": "qurbani",
    "ghodrat": "qudrat",
    "ghader": "qadir",
    "ghaderi": "qadiri",
    "ghanbar": "qanbar",
    "ghanbari": "qanbari",
}

# Persian e for the kasra (i) where the rules read a first e as a (Mehdi is Mahdi).
E_FOR_I: dict[str, str] = {
    "eisa": "isa",
    "eissa": "isa",
    "hedayat": "hidayat",
    "sedigheh": "siddiqa",
    "jebrail": "jibril",
    "jebreil": "jibril",
}

ALIASES: dict[str, str] = IRREGULAR | Z_FOR_D | INITIAL_GH_FOR_Q | E_FOR_I

# Arabic names whose final h is a real ha (Salih, Fatih, Samih), not the Persian ending -eh
# that is Arabic -a (Fatemeh, Zohreh, Hamzeh). Spelt forms.
REAL_FINAL_H = frozenset(
    {"saleh", "fateh", "sameh", "rabeh", "faleh", "wadeh", "rajeh", "nateh"}
    | {"musleh", "mesleh", "mefleh", "mufleh"}
)
