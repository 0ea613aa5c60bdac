"""`amana seed`: realistic synthetic multi-agency case data, at any scale, for benchmarks.

Deterministic for a seed: the same ``--cases`` and ``--seed`` give the same children, names,
dates, identifiers, people, cases and case numbers (on a database without earlier cases),
whatever the batch size. Dates are relative to the day of the run (registrations over the three
years before it, next due dates within 30 days either side of it). Primary keys and ciphertexts
are random: the field encryption uses a fresh nonce for every value.

What is created:

- reference data when absent: the demo agencies (`amana/demo/agencies.yaml`, with their case
  prefixes), a location hierarchy (country → 3 camps → 20 blocks each), the protection
  concern and nationality lookups, and seeded staff: caseworkers ``seed-<agency>-cw<k>`` (one
  per `caseload` cases of the agency, at least 3) and supervisors ``seed-<agency>-sup<k>`` (one
  per 8 caseworkers), with unusable passwords;
- per case: a child with a full name from one of seven origins (Arabic names in their many
  Latin spellings, about a third also written in Arabic script under "other names"; Somali,
  South Sudanese, Congolese, Afghan, Rohingya, Eritrean/Ethiopian), date of birth (age 0-17),
  sex, nationality, an individual registration number for about 60%, phone, address; 1-3
  related people (parents, relatives; one of them the caregiver unless the child is
  unaccompanied); name tokens; the case (85% open, at a spread of stages, 15% closed), its risk
  level, 1-3 protection concerns, location (a camp block), caseworker assignment, supervisor,
  and for an open case the task it waits on. About 2% are the same child registered again,
  spelt differently, often by another agency: the possible duplicates the registration check
  is for.

One transaction per batch (5,000 cases by default), one progress line per batch. On
PostgreSQL the rows go in with COPY, each encrypted value sealed exactly as
`EncryptedTextField.pre_save` seals it; elsewhere with `bulk_create`, whose `pre_save` does
the encryption (the row's UUID is set before the insert in both cases).

Measured (2 CPUs, PostgreSQL on the same machine): 1,000,000 cases, 10.55 million rows and
7.4 million encrypted values in 641 s: 1,559 cases/s, 16,454 rows/s; 2.9 GB of database.
Encryption is about 9% of that (7.8 µs a value); the database's index and foreign-key work is
most of the rest. With `bulk_create` on PostgreSQL the same runs at about half the speed.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Field, Model
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from amana.accounts.models import Agency, RoleGrant, User
from amana.accounts.roles import Role
from amana.audit.log import write_entry
from amana.cases.models import (
    Case,
    CaseAssignment,
    CaseNumberCounter,
    Child,
    NameToken,
    RelatedPerson,
    Task,
)
from amana.cases.names import CAREGIVER_PURPOSE, PURPOSE, name_keys
from amana.cases.search import ID_PURPOSE
from amana.crypto.fields import EncryptedTextField
from amana.crypto.keys import index_for, keyring
from amana.refdata.models import Location, Lookup

T = TypeVar("T")

DEFAULT_BATCH = 5000
DEFAULT_CASELOAD = 400
CASEWORKERS_PER_SUPERVISOR = 8
HISTORY_DAYS = 3 * 365
DUE_SPREAD_DAYS = 30
REREGISTERED = 0.02
CONCERNS_KIND = "protection_concerns"
NATIONALITIES_KIND = "nationalities"

COUNTRY_CODE = "OPA"

# ------------------------------------------------------------------------------------------
# Names, separated by ";" or a new line: each name's spellings separated by "/", the most common
# first, and for Arabic names "=" and the name in Arabic script.


@dataclass(frozen=True)
class NameSpec:
    spellings: tuple[str, ...]
    arabic: str = ""

    def spell(self, rng: random.Random) -> str:
        if len(self.spellings) == 1 or rng.random() < 0.55:
            return self.spellings[0]
        return rng.choice(self.spellings[1:])


def _names(block: str) -> tuple[NameSpec, ...]:
    specs = []
    for line in block.strip().splitlines():
        for entry in line.split(";"):
            latin, _, arabic = entry.partition("=")
            spellings = tuple(s.strip() for s in latin.split("/") if s.strip())
            specs.append(NameSpec(spellings, arabic.strip()))
    return tuple(specs)


ARABIC_MALE = _names("""
Mohammed / Muhammad / Mohamed / Mohamad / Mohammad / Muhammed = محمد
Ahmed / Ahmad = أحمد
Ali / Aly = علي
Omar / Umar = عمر
Hassan / Hasan = حسن
Hussein / Husain / Hussain / Hosein / Husayn = حسين
Khaled / Khalid = خالد
Yusuf / Youssef / Yousef / Yousif = يوسف
Ibrahim / Ebrahim / Ibraheem = إبراهيم
Mahmoud / Mahmud / Mahmood = محمود
Mustafa / Moustafa / Mostafa / Mustapha = مصطفى
Abdul Rahman / Abdelrahman / Abd al-Rahman / Abdulrahman / Abdurrahman = عبد الرحمن
Abdullah / Abdallah / Abdulla / Abd Allah = عبد الله
Abdulaziz / Abdelaziz / Abd al-Aziz / Abdul Aziz = عبد العزيز
Abdelkader / Abdul Qadir / Abdulqadir = عبد القادر
Osama / Usama / Oussama = أسامة
Said / Saeed / Sayed = سعيد
Tariq / Tarek / Tareq = طارق
Qasim / Kassem / Kasim / Qassem = قاسم
Yahya / Yehia / Yahia = يحيى
Ismail / Ismael / Esmail = إسماعيل
Khalil / Khaleel = خليل
Karim / Kareem = كريم
Samir / Sameer = سمير
Nasser / Naser / Nasir = ناصر
Jamal / Djamal = جمال
Rashid / Rachid / Rasheed = رشيد
Hamza / Hamzah = حمزة
Bilal / Belal = بلال
Walid / Waleed = وليد
Ayman / Aiman = أيمن
Zaid / Zayd / Zeid = زيد
Majid / Majed = ماجد
Salim / Salem / Selim = سالم
Faisal / Faysal = فيصل
Imad / Emad = عماد
Hisham / Hicham = هشام
Nour al-Din / Nuruddin / Noureddine = نور الدين
Salah = صلاح
Amr = عمرو
Amir / Ameer = أمير
Daoud / Dawud / Dawood = داود
Ayoub / Ayub / Ayyub = أيوب
Younis / Yunus / Younes = يونس
Anas = أنس
Adnan = عدنان
""")
ARABIC_FEMALE = _names("""
Fatima / Fatma / Fatimah / Fatema = فاطمة
Aisha / Aicha / Ayesha / Aysha = عائشة
Zainab / Zeinab / Zaynab = زينب
Maryam / Mariam / Meryem = مريم
Layla / Leila / Laila = ليلى
Amina / Ameena / Aminah = أمينة
Khadija / Khadidja / Khadijah = خديجة
Sara / Sarah = سارة
Zahra / Zahraa = زهراء
Nour / Noor = نور
Huda / Houda = هدى
Hala = هالة
Rania / Ranya = رانيا
Reem / Rim = ريم
Rasha / Racha = رشا
Salma / Selma = سلمى
Yasmin / Yasmine / Jasmin = ياسمين
Hiba / Heba = هبة
Asma / Asmaa = أسماء
Alia / Aliya / Aaliyah = عالية
Ruqayya / Roqaya / Rukia = رقية
Samira / Sameera = سميرة
Nadia / Nadiya = نادية
Ghada = غادة
Duaa / Doaa = دعاء
Malak = ملاك
Rahaf = رهف
Shahd = شهد
Hanan = حنان
Amal = أمل
Iman / Eman / Imane = إيمان
Bushra / Boushra = بشرى
Sumaya / Soumaya / Sumayyah = سمية
""")
ARABIC_FAMILY = _names("""
al-Hassan / Al Hassan / El Hassan = الحسن
Haddad = حداد
al-Ahmad / Al Ahmad = الأحمد
Khalil = خليل
Nasser = ناصر
al-Ali / Al Ali = العلي
Hamdan = حمدان
al-Masri / El Masri = المصري
Saleh / Salih = صالح
al-Khatib / El Khatib = الخطيب
Darwish / Darwich = درويش
Othman / Osman / Uthman = عثمان
Mansour / Mansur = منصور
Abbas = عباس
Haidar / Haydar / Heidar = حيدر
al-Zoubi / Al Zoubi = الزعبي
Awad = عوض
al-Omari / Al Omari = العمري
Suleiman / Sulaiman / Soliman = سليمان
Issa / Eissa = عيسى
Barakat = بركات
Shaheen / Chahine = شاهين
al-Jubouri / Al Jabouri = الجبوري
al-Dulaimi / Al Dulaimi = الدليمي
Abdel Nour / Abdelnour = عبد النور
""")
SOMALI_MALE = _names("""
Abdi
Abdirahman / Abdurahman / Abdulrahman
Abdullahi / Abdillahi
Mohamed / Mohammed / Maxamed
Mohamud / Mahmoud
Hassan / Hasan
Hussein / Husein
Ahmed / Axmed
Ali / Cali
Omar / Cumar
Yusuf / Yuusuf
Ismail / Ismaaciil
Abdikarim / Abdulkarim
Abdiaziz / Abdulaziz
Farah / Faarax
Warsame
Osman / Cismaan
Nur / Nuur
Aden / Aadan
Jama / Jaamac
Hirsi; Liban; Guled
Bashir / Bashiir
Ayanle
Said / Saciid
Dahir / Daahir
Ibrahim / Ibraahim
Abdisalam / Abdisalaam
Mahad
Yasin / Yassin
Idris / Idiris
""")
SOMALI_FEMALE = _names("""
Fadumo / Faadumo / Fatuma
Halimo / Xaliimo / Halima
Hodan / Hodon
Ayaan / Ayan
Amina / Aamina
Asha / Aasha
Khadija / Khadra
Hawo / Hawa / Xaawo
Sahra / Sahro
Ifrah / Ifraah
Ubah / Ubax
Deeqa / Deka
Nasra / Nasro
Sagal; Hibo; Ikran
Maryan / Maryam
Hamdi
Najma / Najmo
Muna
Safiya / Safia
Suad / Sucaad
""")
SOUTH_SUDANESE_MALE = _names("""
Deng; Garang; Majok; Mabior; Kuol; Chol; Bol; Makuei; Akol; Gatluak; Gatdet; Ruot
Lual; Malual; Thon; Ajak; Manyang; Dut; Mayen; Ater; Koang; Riek; Nhial; John; Peter
James; Emmanuel
""")
SOUTH_SUDANESE_FEMALE = _names("""
Nyandeng; Achol; Akech; Abuk; Ayen; Nyakuoth; Nyabol; Adut; Athieng; Aluel; Awut; Nyanchiew
Nyaluak; Akuol; Mary; Rebecca; Martha; Grace; Elizabeth
""")
CONGOLESE_MALE = _names("""
Espoir
Dieudonné / Dieudonne
Bienvenu
Josué / Josue
Joseph; Jean-Paul
Exaucé / Exauce
Précieux / Precieux
Daniel
Élie / Elie
Moïse / Moise
Emmanuel; Fiston
Héritier / Heritier
Bahati; Amani; Baraka; Tumaini; Shukuru; Patrick
""")
CONGOLESE_FEMALE = _names("""
Merveille; Patience
Grâce / Grace
Chance; Esther; Christelle; Gloire
Bénédicte / Benedicte
Divine
Sarah / Sara
Ruth; Rachel
Déborah / Deborah
Claudine; Jeanne; Furaha; Neema; Riziki; Zawadi; Imani; Faraja
""")
CONGOLESE_FAMILY = _names("""
Mukendi; Kabila; Ilunga; Mbuyi; Kalala
Tshibangu / Chibangu
Mwamba; Ngalula; Nsimba; Kasongo; Lukusa; Banza; Kabongo; Mulumba; Kabeya; Mutombo
Kalonji; Bahizi; Habimana; Niyonzima; Ndayisaba; Uwimana
""")
AFGHAN_MALE = _names("""
Ahmad / Ahmed
Mohammad / Muhammad / Mohammed
Rahmatullah / Rahmatulla / Rahmat Ullah
Hamidullah / Hamidulla
Habibullah / Habibulla
Zabihullah / Zabiullah
Samiullah
Wahid / Vahid
Navid / Naveed / Naweed
Farid / Fareed
Jawad / Javad
Sayed / Said / Sayyed
Mustafa / Mostafa
Bilal; Ajmal
Bashir / Basheer
Khalid / Khaled
Rashid / Rasheed
Shafiq / Shafeeq
Zia
Ali Reza / Alireza
Hamed / Hamid
Nasir / Naser
""")
AFGHAN_FEMALE = _names("""
Zahra / Zehra
Fereshta / Freshta / Fereshteh
Nargis / Narges
Mursal
Parwana / Parvaneh
Shabnam; Sultana
Zarghona / Zarghuna
Mahbooba / Mahbuba
Marzia / Marziya
Fatima / Fatema
Madina
Zainab / Zeinab
Sadaf
Nilofar / Nilufar
Tamana; Hosai
Laila / Leila
Arezo / Arezoo
Mina
Shukria / Shukriya
""")
AFGHAN_FAMILY = _names("""
Hakimi; Rahimi; Ahmadzai; Popal
Noori / Nouri
Sadat
Hashimi / Hashemi
Karimi; Stanikzai
Mohammadi / Muhammadi
Amiri
Haidari / Haydari
Safi; Sultani
Yousufzai / Yusufzai
Wardak; Mohmand
Hussaini / Husseini
""")
ROHINGYA_MALE = _names("""
Mohammed / Md / Mohammad / Muhammad
Nur / Noor
Yunus / Younus
Ayub / Ayoub
Rafiq / Rafique
Anwar
Hasan / Hassan
Hussain / Hossain
Kamal; Sultan; Jamal; Zafar
Rahmat Ullah / Rahmatullah
Kefayet Ullah / Kefayetullah
Abdul Hamid / Abdulhamid
Abdul Shukkur / Abdul Shukur
Sayed / Syed
Alam
Hashim / Hashem
Ismail
Amin / Ameen
""")
ROHINGYA_FEMALE = _names("""
Rashida; Hamida
Ayesha / Aisha
Nur Ankis / Noor Ankis
Shofika / Shafika
Minara; Jannat Ara; Hasina
Rehana / Rahana
Umme Salma
Noor Jahan / Nur Jahan
Senuara; Setara; Tahera
Rokeya / Rukia
Jamalida; Sanjida
""")
ROHINGYA_FEMALE_SUFFIX = _names("""
Begum / Begom
Khatun / Khatoon
Bibi
""")
HORN_MALE = _names("""
Yonas / Younas
Dawit; Tesfaye; Mulugeta; Haile
Berhane
Kidane; Tekle
Yohannes / Yohanes
Abebe; Samuel; Filmon; Henok
Biniam / Biniyam
Mehari
Amanuel / Amanueal
Robel; Kibrom; Semere; Yemane; Efrem
""")
HORN_FEMALE = _names("""
Selam; Tigist; Meron; Hiwot; Senait; Helen; Mebrat; Almaz; Aster; Genet; Saba; Ruta
Luwam; Feven; Winta; Eden; Yordanos; Mekdes
""")


@dataclass(frozen=True)
class Origin:
    key: str
    weight: int
    nationalities: tuple[tuple[str, int], ...]
    male: tuple[NameSpec, ...]
    female: tuple[NameSpec, ...]
    family: tuple[NameSpec, ...] = ()
    patronymic: int = 2  # father's and grandfather's names after the given name
    phone: str = "+256 7"


ORIGINS = (
    Origin(
        "arabic",
        38,
        (("SYR", 18), ("SDN", 12), ("IRQ", 5), ("YEM", 3)),
        ARABIC_MALE,
        ARABIC_FEMALE,
        ARABIC_FAMILY,
        patronymic=1,
    ),
    Origin("somali", 14, (("SOM", 1),), SOMALI_MALE, SOMALI_FEMALE),
    Origin(
        "south_sudanese",
        12,
        (("SSD", 1),),
        SOUTH_SUDANESE_MALE,
        SOUTH_SUDANESE_FEMALE,
        patronymic=1,
    ),
    Origin("congolese", 12, (("COD", 1),), CONGOLESE_MALE, CONGOLESE_FEMALE, CONGOLESE_FAMILY, 0),
    Origin("afghan", 10, (("AFG", 1),), AFGHAN_MALE, AFGHAN_FEMALE, AFGHAN_FAMILY, 0),
    Origin("rohingya", 8, (("MMR", 1),), ROHINGYA_MALE, ROHINGYA_FEMALE, patronymic=0),
    Origin("horn", 6, (("ERI", 3), ("ETH", 2)), HORN_MALE, HORN_FEMALE, patronymic=2),
)
NATIONALITY_LABELS = {
    "SYR": "Syria",
    "SDN": "Sudan",
    "IRQ": "Iraq",
    "YEM": "Yemen",
    "SOM": "Somalia",
    "SSD": "South Sudan",
    "COD": "DR Congo",
    "AFG": "Afghanistan",
    "MMR": "Myanmar",
    "ERI": "Eritrea",
    "ETH": "Ethiopia",
}
CONCERNS = (
    ("neglect", "Neglect", 14),
    ("child_labour", "Child labour", 10),
    ("gbv", "GBV", 8),
    ("unaccompanied", "Unaccompanied child", 8),
    ("separated", "Separated child", 10),
    ("physical_violence", "Physical violence", 9),
    ("emotional_abuse", "Emotional abuse", 6),
    ("sexual_abuse", "Sexual abuse", 4),
    ("child_marriage", "Child marriage", 5),
    ("caafag", "Associated with armed forces or groups", 2),
    ("psychosocial_distress", "Psychosocial distress", 12),
    ("disability", "Child with disability", 5),
    ("out_of_school", "Out of school", 9),
    ("no_documentation", "Lacks civil documentation", 6),
    ("detention", "Child in detention", 1),
    ("trafficking", "Trafficking", 1),
)
CAMPS = (("C1", "Camp Amal", 50), ("C2", "Camp Salam", 30), ("C3", "Camp Nour", 20))
BLOCKS_PER_CAMP = 20
AGENCY_WEIGHTS = {
    "unhcr": 20,
    "unicef": 15,
    "ngo-psy": 15,
    "ngo-gbv": 13,
    "imc": 12,
    "mosd": 10,
    "ngo-legal": 8,
    "ngo-livelihoods": 7,
}
OPEN_STAGES = (
    (Case.Stage.REGISTERED, 20),
    (Case.Stage.ASSESSED, 18),
    (Case.Stage.BIA, 10),
    (Case.Stage.PLANNED, 10),
    (Case.Stage.IMPLEMENTATION, 37),
    (Case.Stage.CLOSURE_REQUESTED, 5),
)
STAGE_TASK: dict[str, str] = {
    Case.Stage.REGISTERED: Task.Kind.INITIAL_ASSESSMENT,
    Case.Stage.ASSESSED: Task.Kind.CASE_PLAN,
    Case.Stage.BIA: Task.Kind.CASE_PLAN,
    Case.Stage.PLANNED: Task.Kind.FOLLOW_UP,
    Case.Stage.IMPLEMENTATION: Task.Kind.FOLLOW_UP,
    Case.Stage.CLOSURE_REQUESTED: Task.Kind.APPROVAL,
}
RISKS = ((Case.Risk.HIGH, 20), (Case.Risk.MEDIUM, 45), (Case.Risk.LOW, 35))
CARE = (
    (Case.CareArrangement.PARENTS, 55),
    (Case.CareArrangement.KINSHIP, 15),
    (Case.CareArrangement.FOSTER, 4),
    (Case.CareArrangement.INDEPENDENT, 2),
    (Case.CareArrangement.RESIDENTIAL, 2),
    (Case.CareArrangement.UNACCOMPANIED, 8),
    (Case.CareArrangement.OTHER, 4),
    ("", 10),
)
CLOSURE_REASONS = (
    ("goals_met", 55),
    ("moved_away", 15),
    ("transferred", 10),
    ("turned_18", 8),
    ("lost_contact", 10),
    ("other", 2),
)
AGE_WEIGHTS = (5, 5, 5, 6, 6, 7, 7, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9, 8)  # ages 0-17


def _pick(rng: random.Random, weighted: Sequence[tuple[T, int]]) -> T:
    total = sum(weight for _, weight in weighted)
    roll = rng.random() * total
    for value, weight in weighted:
        roll -= weight
        if roll < 0:
            return value
    return weighted[-1][0]


# ------------------------------------------------------------------------------------------
# Reference data: agencies, staff, locations, lookups.


@dataclass
class Reference:
    agencies: dict[str, Agency]
    caseworkers: dict[str, list[User]]
    supervisors: dict[str, list[User]]
    blocks: list[tuple[Location, str, int]]  # block, camp name, block number, camp-weighted
    concerns: dict[str, Lookup]


def _demo_agencies() -> list[dict[str, str]]:
    from amana.demo.loader import _demo_spec

    agencies: list[dict[str, str]] = _demo_spec()["agencies"]
    return agencies


def ensure_agencies() -> dict[str, Agency]:
    agencies = {}
    for spec in _demo_agencies():
        agency = Agency.objects.filter(slug=spec["slug"]).first()
        if agency is None:
            agency = Agency.objects.create(
                slug=spec["slug"],
                name=spec["name"],
                kind=spec["kind"],
                case_prefix=spec.get("case_prefix", ""),
            )
        agencies[agency.slug] = agency
    return {slug: agencies[slug] for slug in AGENCY_WEIGHTS if slug in agencies}


def staff_counts(cases_per_agency: int, caseload: int) -> tuple[int, int]:
    caseworkers = max(3, math.ceil(cases_per_agency / caseload))
    return caseworkers, max(1, math.ceil(caseworkers / CASEWORKERS_PER_SUPERVISOR))


def ensure_staff(
    agency: Agency, caseworkers: int, supervisors: int
) -> tuple[list[User], list[User]]:
    wanted = [(f"seed-{agency.slug}-cw{k}", Role.CASEWORKER) for k in range(1, caseworkers + 1)]
    wanted += [(f"seed-{agency.slug}-sup{k}", Role.SUPERVISOR) for k in range(1, supervisors + 1)]
    existing = set(
        User.objects.filter(username__in=[u for u, _ in wanted]).values_list("username", flat=True)
    )
    unusable = make_password(None)
    new = [
        User(username=username, agency=agency, password=unusable)
        for username, _ in wanted
        if username not in existing
    ]
    User.objects.bulk_create(new)
    roles = dict(wanted)
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role=roles[u.username]) for u in new])
    users = {u.username: u for u in User.objects.filter(username__in=list(roles))}
    return (
        [users[u] for u, role in wanted if role == Role.CASEWORKER],
        [users[u] for u, role in wanted if role == Role.SUPERVISOR],
    )


def ensure_locations() -> list[tuple[Location, str, int]]:
    country, _ = Location.objects.get_or_create(
        code=COUNTRY_CODE, defaults={"name": "Operation A", "level": 0}
    )
    blocks = []
    for code, name, weight in CAMPS:
        camp, _ = Location.objects.get_or_create(
            code=f"{COUNTRY_CODE}-{code}", defaults={"name": name, "level": 1, "parent": country}
        )
        for number in range(1, BLOCKS_PER_CAMP + 1):
            block, _ = Location.objects.get_or_create(
                code=f"{camp.code}-B{number:02d}",
                defaults={"name": f"{name}, block {number}", "level": 2, "parent": camp},
            )
            blocks.append((block, name, weight))
    return blocks


def ensure_lookups() -> dict[str, Lookup]:
    for code, label in NATIONALITY_LABELS.items():
        Lookup.objects.get_or_create(kind=NATIONALITIES_KIND, code=code, defaults={"label": label})
    concerns = {}
    for code, label, _ in CONCERNS:
        concerns[code], _ = Lookup.objects.get_or_create(
            kind=CONCERNS_KIND, code=code, defaults={"label": label}
        )
    return concerns


@transaction.atomic
def ensure_reference(cases: int, caseload: int) -> Reference:
    agencies = ensure_agencies()
    total = sum(AGENCY_WEIGHTS[slug] for slug in agencies)
    caseworkers, supervisors = {}, {}
    for slug, agency in agencies.items():
        share = math.ceil(cases * AGENCY_WEIGHTS[slug] / total)
        caseworkers[slug], supervisors[slug] = ensure_staff(agency, *staff_counts(share, caseload))
    return Reference(agencies, caseworkers, supervisors, ensure_locations(), ensure_lookups())


# ------------------------------------------------------------------------------------------
# Planning: what each case is, as plain values. Pure and deterministic for a seed.


@dataclass
class PersonPlan:
    relationship: str
    full_name: str
    phone: str
    is_caregiver: bool
    lives_with_child: bool


@dataclass
class CasePlan:
    index: int
    agency: str
    full_name: str
    other_names: str
    sex: str
    date_of_birth: str
    birth_year: int | None
    nationality: str
    individual_id: str
    phone: str
    address: str
    people: list[PersonPlan]
    registered_at: datetime
    status: str
    stage: str
    risk_level: str
    care_arrangement: str
    is_refugee: bool
    best_interests_status: str
    concerns: list[str]
    block: int
    caseworker: int
    next_due_at: datetime | None
    closed_at: datetime | None
    closure_reason: str
    duplicate_of: int | None = None


@dataclass
class Identity:
    """Who a child is, to register the same child again with other spellings."""

    origin: Origin
    female: bool
    given: NameSpec
    father: NameSpec
    grandfather: NameSpec
    family: NameSpec | None
    family2: NameSpec | None
    mother: NameSpec
    mother_father: NameSpec
    extra: NameSpec | None
    date_of_birth: date | None
    individual_id: str
    index: int


@dataclass
class Planner:
    seed: int
    total: int
    now: datetime
    reference: Reference
    rng: random.Random = field(init=False)
    previous: Identity | None = field(default=None, init=False)
    previous_agency: str = field(default="", init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.agency_slugs = list(self.reference.agencies)
        self.agency_weights = [(slug, AGENCY_WEIGHTS[slug]) for slug in self.agency_slugs]
        self.block_weights = [(i, w) for i, (_, _, w) in enumerate(self.reference.blocks)]
        self.concern_weights = [(code, w) for code, _, w in CONCERNS]
        self.origin_weights = [(origin, origin.weight) for origin in ORIGINS]
        self.start = self.now - timedelta(days=HISTORY_DAYS)

    def plan(self, index: int) -> CasePlan:
        rng = self.rng
        registered = self.start + timedelta(
            days=HISTORY_DAYS * (index + rng.random()) / max(self.total, 1)
        )
        again = self.previous is not None and rng.random() < REREGISTERED
        identity = self._again(registered) if again else self._identity(index, registered)
        agency = _pick(rng, self.agency_weights)
        if again and rng.random() < 0.5:
            agency = self.previous_agency  # the same agency, unaware of its own record
        self.previous, self.previous_agency = identity, agency
        return self._case(index, agency, identity, registered)

    # --- who the child is

    def _identity(self, index: int, registered: datetime) -> Identity:
        rng = self.rng
        origin = _pick(rng, self.origin_weights)
        female = rng.random() < 0.48
        unknown_dob = rng.random() < 0.05
        dob = None if unknown_dob else self._birth_date(registered)
        return Identity(
            origin=origin,
            female=female,
            given=rng.choice(origin.female if female else origin.male),
            father=rng.choice(origin.male),
            grandfather=rng.choice(origin.male),
            family=rng.choice(origin.family) if origin.family else None,
            family2=rng.choice(origin.family) if origin.family else None,
            mother=rng.choice(origin.female),
            mother_father=rng.choice(origin.male),
            extra=rng.choice(ROHINGYA_FEMALE_SUFFIX) if origin.key == "rohingya" else None,
            date_of_birth=dob,
            individual_id=self._individual_id(index) if rng.random() < 0.6 else "",
            index=index,
        )

    def _again(self, registered: datetime) -> Identity:
        """The previous child, registered again: often another agency, another spelling."""
        rng = self.rng
        before = self.previous
        assert before is not None
        dob = before.date_of_birth
        if dob is not None and rng.random() < 0.4:
            dob = dob.replace(year=dob.year + rng.choice((-1, 1)), day=min(dob.day, 28))
        if dob is not None and dob > registered.date():
            dob = before.date_of_birth
        individual_id = before.individual_id if rng.random() < 0.5 else ""
        return Identity(**{**before.__dict__, "date_of_birth": dob, "individual_id": individual_id})

    def _birth_date(self, registered: datetime) -> date:
        rng = self.rng
        years_since = (self.now - registered).days // 365
        oldest = max(0, 17 - years_since)
        age = _pick(rng, [(a, w) for a, w in enumerate(AGE_WEIGHTS) if a <= oldest])
        born = registered.date() - timedelta(days=int(365.25 * age) + rng.randrange(365))
        return born

    def _individual_id(self, index: int) -> str:
        # A bijection on the index (the multiplier is prime to 10^8): unique within a run.
        number = (index * 7_919_731 + self.seed * 1_000_003) % 100_000_000
        return f"{100 + index % 900:03d}-{number:08d}"

    def _full_name(self, identity: Identity) -> tuple[str, str]:
        """The name as this registration spells it, and, for some Arabic names, in Arabic."""
        rng = self.rng
        origin = identity.origin
        parts = [identity.given]
        if origin.key == "rohingya":
            if identity.female and identity.extra is not None and rng.random() < 0.8:
                parts.append(identity.extra)
            elif not identity.female and identity.given != ROHINGYA_MALE[0] and rng.random() < 0.5:
                parts.insert(0, ROHINGYA_MALE[0])  # Mohammed / Md Yunus
        elif origin.key == "congolese":
            assert identity.family is not None and identity.family2 is not None
            parts = [identity.family, identity.family2, identity.given]
            if rng.random() < 0.5:
                parts = [identity.given, identity.family]
        else:
            parts.append(identity.father)
            if origin.patronymic >= 2:
                parts.append(identity.grandfather)
            if identity.family is not None and rng.random() < 0.7:
                parts.append(identity.family)
        latin = " ".join(part.spell(rng) for part in parts)
        arabic = ""
        if origin.key == "arabic" and rng.random() < 0.35:
            arabic = " ".join(part.arabic for part in parts if part.arabic)
        return latin, arabic

    def _person_name(self, identity: Identity, who: str) -> str:
        rng = self.rng
        origin = identity.origin
        if who == "father":
            parts = [identity.father, identity.grandfather]
        elif who == "mother":
            parts = [identity.mother, identity.mother_father]
            if origin.key == "rohingya":
                parts = [identity.mother, rng.choice(ROHINGYA_FEMALE_SUFFIX)]
        else:
            parts = [rng.choice(origin.male + origin.female), identity.grandfather]
        if identity.family is not None and origin.key != "arabic":
            parts = [parts[0], identity.family]
        elif identity.family is not None and who == "father" and rng.random() < 0.7:
            parts.append(identity.family)
        return " ".join(part.spell(rng) for part in parts)

    def _people(self, identity: Identity, care: str) -> list[PersonPlan]:
        rng = self.rng
        unaccompanied = care == Case.CareArrangement.UNACCOMPANIED
        kinship = care in (Case.CareArrangement.KINSHIP, Case.CareArrangement.FOSTER)
        count = rng.choice((1, 2, 2, 2, 3))
        people = []
        order = ["mother", "father", "relative"] if rng.random() < 0.8 else ["father", "mother"]
        for position, who in enumerate([*order, "relative", "sibling"][:count]):
            caregiver = position == 0 and not unaccompanied and not kinship
            if kinship and who == "relative":
                caregiver = True
            relationship = {
                "mother": RelatedPerson.Relationship.MOTHER,
                "father": RelatedPerson.Relationship.FATHER,
                "sibling": RelatedPerson.Relationship.SIBLING,
            }.get(who, RelatedPerson.Relationship.RELATIVE)
            people.append(
                PersonPlan(
                    relationship=relationship,
                    full_name=self._person_name(identity, who),
                    phone=self._phone(identity.origin) if rng.random() < 0.6 else "",
                    is_caregiver=caregiver,
                    lives_with_child=caregiver or (not unaccompanied and rng.random() < 0.5),
                )
            )
        return people

    def _phone(self, origin: Origin) -> str:
        digits = f"{self.rng.randrange(10**8):08d}"
        return f"{origin.phone}{digits[:2]} {digits[2:5]} {digits[5:]}"

    # --- the case

    def _case(self, index: int, agency: str, identity: Identity, registered: datetime) -> CasePlan:
        rng = self.rng
        full_name, arabic = self._full_name(identity)
        care = _pick(rng, CARE)
        closed = rng.random() < 0.15
        stage = Case.Stage.CLOSED if closed else _pick(rng, OPEN_STAGES)
        risk = _pick(rng, RISKS)
        refugee = rng.random() < 0.85
        block = _pick(rng, self.block_weights)
        _, camp, _ = self.reference.blocks[block]
        closed_at = None
        if closed:
            closed_at = min(self.now, registered + timedelta(days=rng.uniform(20, 400)))
        due = None
        if not closed:
            due = self.now + timedelta(days=rng.uniform(-DUE_SPREAD_DAYS, DUE_SPREAD_DAYS))
        concerns = {_pick(rng, self.concern_weights) for _ in range(rng.choice((1, 1, 2, 2, 3)))}
        if care == Case.CareArrangement.UNACCOMPANIED:
            concerns.add("unaccompanied")
        dob = identity.date_of_birth
        return CasePlan(
            index=index,
            agency=agency,
            full_name=full_name,
            other_names=arabic,
            sex=Child.Sex.FEMALE if identity.female else Child.Sex.MALE,
            date_of_birth=dob.isoformat() if dob else "",
            birth_year=dob.year if dob else None,
            nationality=_pick(rng, identity.origin.nationalities),
            individual_id=identity.individual_id,
            phone=self._phone(identity.origin) if rng.random() < 0.5 else "",
            address=f"{camp}, block {block % BLOCKS_PER_CAMP + 1}, shelter {rng.randint(1, 400)}",
            people=self._people(identity, care),
            registered_at=registered,
            status=Case.Status.CLOSED if closed else Case.Status.OPEN,
            stage=stage,
            risk_level=risk,
            care_arrangement=care,
            is_refugee=refugee,
            best_interests_status=self._best_interests(stage, refugee),
            concerns=sorted(concerns),
            block=block,
            caseworker=rng.randrange(1 << 30),
            next_due_at=due,
            closed_at=closed_at,
            closure_reason=_pick(rng, CLOSURE_REASONS) if closed else "",
            duplicate_of=identity.index if identity.index != index else None,
        )

    def _best_interests(self, stage: str, refugee: bool) -> str:
        if not refugee or stage in (Case.Stage.REGISTERED, Case.Stage.ASSESSED):
            return Case.BestInterestsStatus.NONE
        return self.rng.choice(
            (
                Case.BestInterestsStatus.BIA_DONE,
                Case.BestInterestsStatus.BIA_DONE,
                Case.BestInterestsStatus.BID_PENDING,
                Case.BestInterestsStatus.BID_DONE,
            )
        )


# ------------------------------------------------------------------------------------------
# Writing: one transaction per batch.
#
# Each batch becomes rows (attribute name → value, plaintext in the encrypted fields), written by
# `bulk_create`, whose `EncryptedTextField.pre_save` encrypts them, or on PostgreSQL by COPY,
# about twice as fast, encrypting each value exactly as the field does: with the active key,
# for this table, column and row (`EncryptedTextField.context_for_row`).

Row = dict[str, Any]
SEEDED_MODELS: tuple[type[Model], ...] = (
    Child,
    NameToken,
    RelatedPerson,
    Case,
    Case.concerns.through,
    CaseAssignment,
    Task,
)


@cache
def _token(purpose: str, key: str) -> str:
    return index_for(purpose, key)


@lru_cache(maxsize=200_000)
def _keys(full_name: str) -> tuple[str, ...]:
    return tuple(name_keys(full_name))


def child_tokens(full_name: str, other_names: str) -> list[str]:
    keys = set(_keys(full_name)) | set(_keys(other_names))
    return sorted({_token(PURPOSE, key) for key in keys})


def person_token(full_name: str) -> str:
    keys = _keys(full_name)
    return _token(CAREGIVER_PURPOSE, keys[0]) if keys else ""


def _case_numbers(plans: list[CasePlan], reference: Reference) -> list[str]:
    """Next numbers per agency and registration year, from the locked counters."""
    years = Counter((plan.agency, timezone.localtime(plan.registered_at).year) for plan in plans)
    last: dict[tuple[str, int], int] = {}
    for (slug, year), count in sorted(years.items()):
        agency = reference.agencies[slug]
        counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(
            agency=agency, year=year
        )
        last[(slug, year)] = counter.last
        counter.last += count
        counter.save(update_fields=["last"])
    numbers = []
    for plan in plans:
        agency = reference.agencies[plan.agency]
        year = timezone.localtime(plan.registered_at).year
        last[(plan.agency, year)] += 1
        prefix = agency.case_prefix or agency.slug.upper()
        numbers.append(f"{prefix}-{year}-{last[(plan.agency, year)]:06d}")
    return numbers


def _staff(plan: CasePlan, reference: Reference) -> tuple[User, User]:
    """The plan's caseworker, and the supervisor of that caseworker's team."""
    workers = reference.caseworkers[plan.agency]
    supervisors = reference.supervisors[plan.agency]
    position = plan.caseworker % len(workers)
    team = position // CASEWORKERS_PER_SUPERVISOR
    return workers[position], supervisors[team % len(supervisors)]


@dataclass
class BatchRows:
    """The rows of one batch, per model, in insertion order."""

    tables: dict[type[Model], list[Row]] = field(default_factory=dict)

    def add(self, model: type[Model], row: Row) -> None:
        self.tables.setdefault(model, []).append(row)

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def batch_rows(plans: list[CasePlan], numbers: list[str], reference: Reference) -> BatchRows:
    out = BatchRows({model: [] for model in SEEDED_MODELS})
    updated = timezone.now()
    for plan, number in zip(plans, numbers, strict=True):
        agency = reference.agencies[plan.agency]
        worker, supervisor = _staff(plan, reference)
        child_id, case_id = uuid.uuid4(), uuid.uuid4()
        out.add(
            Child,
            {
                "id": child_id,
                "agency_id": agency.pk,
                "full_name": plan.full_name,
                "other_names": plan.other_names,
                "date_of_birth": plan.date_of_birth,
                "birth_year": plan.birth_year,
                "sex": plan.sex,
                "nationality": plan.nationality,
                "individual_id": plan.individual_id,
                "individual_id_index": (
                    index_for(ID_PURPOSE, plan.individual_id) if plan.individual_id else ""
                ),
                "contact_phone": plan.phone,
                "address": plan.address,
                "created_at": plan.registered_at,
            },
        )
        for token in child_tokens(plan.full_name, plan.other_names):
            out.add(NameToken, {"child_id": child_id, "token": token})
        for person in plan.people:
            out.add(
                RelatedPerson,
                {
                    "id": uuid.uuid4(),
                    "child_id": child_id,
                    "relationship": person.relationship,
                    "full_name": person.full_name,
                    "contact_phone": person.phone,
                    "is_caregiver": person.is_caregiver,
                    "lives_with_child": person.lives_with_child,
                    "name_token": person_token(person.full_name),
                },
            )
        out.add(
            Case,
            {
                "id": case_id,
                "case_number": number,
                "agency_id": agency.pk,
                "child_id": child_id,
                "status": plan.status,
                "stage": plan.stage,
                "risk_level": plan.risk_level,
                "care_arrangement": plan.care_arrangement,
                "location_id": reference.blocks[plan.block][0].pk,
                "is_refugee": plan.is_refugee,
                "best_interests_status": plan.best_interests_status,
                "supervisor_id": supervisor.pk,
                "registered_at": plan.registered_at,
                "next_due_at": plan.next_due_at,
                "closed_at": plan.closed_at,
                "closure_reason": plan.closure_reason,
                "updated_at": updated,
                "version": 1,
            },
        )
        for code in plan.concerns:
            lookup = reference.concerns[code].pk
            out.add(Case.concerns.through, {"case_id": case_id, "lookup_id": lookup})
        out.add(
            CaseAssignment,
            {
                "case_id": case_id,
                "user_id": worker.pk,
                "role": CaseAssignment.Role.CASEWORKER,
                "assigned_at": plan.registered_at,
            },
        )
        if plan.next_due_at is not None:
            kind = STAGE_TASK[plan.stage]
            assignee = supervisor if kind == Task.Kind.APPROVAL else worker
            out.add(
                Task,
                {
                    "case_id": case_id,
                    "kind": kind,
                    "due_at": plan.next_due_at,
                    "assigned_to_id": assignee.pk,
                    "done_at": None,
                },
            )
    return out


def _columns(model: type[Model]) -> list[Field[Any, Any]]:
    """Every stored column but a database-generated primary key."""
    return [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]


def _copy(model: type[Model], rows: list[Row]) -> None:
    """PostgreSQL COPY, encrypting the encrypted fields as `EncryptedTextField.pre_save` does."""
    fields = _columns(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    pk = model._meta.pk
    assert pk is not None
    ring = keyring()
    plan = [(f.attname, f if isinstance(f, EncryptedTextField) else None) for f in fields]
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            values = []
            for attname, encrypted in plan:
                value = row[attname]
                if encrypted is not None and value:
                    value = ring.encrypt(value, encrypted.context_for_row(row[pk.attname]))
                values.append(value)
            copy.write_row(values)


def _bulk_create(model: type[Model], rows: list[Row]) -> None:
    model._default_manager.bulk_create([model(**row) for row in rows], batch_size=2000)


@transaction.atomic
def write_batch(plans: list[CasePlan], reference: Reference) -> tuple[int, list[str]]:
    """Insert one batch in one transaction; the number of rows and the case numbers."""
    numbers = _case_numbers(plans, reference)
    rows = batch_rows(plans, numbers, reference)
    insert = _copy if connection.vendor == "postgresql" else _bulk_create
    for model, table in rows.tables.items():
        if table:
            insert(model, table)
    return rows.count, numbers


# ------------------------------------------------------------------------------------------
# The run.


@dataclass
class SeedResult:
    cases: int
    rows: int
    seconds: float
    first_number: str = ""
    last_number: str = ""

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _analyze() -> None:
    """Fresh planner statistics, so the first queries on the new rows get realistic plans."""
    with connection.cursor() as cursor:
        for model in SEEDED_MODELS:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def today_start() -> datetime:
    """Midnight UTC today: the run's reference time, so one day's runs agree."""
    return timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)


def plans(seed: int, total: int, reference: Reference, now: datetime) -> Iterable[CasePlan]:
    planner = Planner(seed=seed, total=total, now=now, reference=reference)
    return (planner.plan(index) for index in range(total))


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def run_seed(
    *,
    cases: int,
    seed: int,
    batch: int = DEFAULT_BATCH,
    caseload: int = DEFAULT_CASELOAD,
    now: datetime | None = None,
    report: Callable[[str], None] = print,
) -> SeedResult:
    began = time.perf_counter()
    reference = ensure_reference(cases, caseload)
    now = now or today_start()
    result = SeedResult(cases=0, rows=0, seconds=0.0)
    pending: list[CasePlan] = []
    batches = math.ceil(cases / batch)

    def flush() -> None:
        rows, numbers = write_batch(pending, reference)
        result.cases += len(pending)
        result.rows += rows
        result.first_number = result.first_number or numbers[0]
        result.last_number = numbers[-1]
        result.seconds = time.perf_counter() - began
        left = (cases - result.cases) / max(result.cases_per_second, 1e-9)
        report(
            f"seed: batch {math.ceil(result.cases / batch)}/{batches}: "
            f"{result.cases}/{cases} cases, {result.rows} rows, "
            f"{result.cases_per_second:,.0f} cases/s, {result.rows_per_second:,.0f} rows/s, "
            f"eta {_duration(left)}"
        )
        pending.clear()

    for plan in plans(seed, cases, reference, now):
        pending.append(plan)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    if connection.vendor == "postgresql":
        _analyze()
    with transaction.atomic():
        write_entry(
            actor=None,
            action="seed.cases",
            object_type="case",
            origin="cli",
            details={"cases": cases, "seed": seed, "first": result.first_number},
        )
    result.seconds = time.perf_counter() - began
    report(
        f"seed: {result.cases} cases, {result.rows} rows in {result.seconds:.1f} s: "
        f"{result.cases_per_second:,.0f} cases/s, {result.rows_per_second:,.0f} rows/s "
        f"(seed {seed}, case numbers {result.first_number} … {result.last_number})"
    )
    return result
