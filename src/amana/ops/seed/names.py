"""Names of the synthetic children and their families, by origin, read from `data/*.txt`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from importlib import resources

DATA = "amana.ops.seed.data"


@dataclass(frozen=True)
class NameSpec:
    spellings: tuple[str, ...]
    arabic: str = ""

    def spell(self, rng: random.Random) -> str:
        if len(self.spellings) == 1 or rng.random() < 0.55:
            return self.spellings[0]
        return rng.choice(self.spellings[1:])


def data_text(filename: str) -> str:
    return resources.files(DATA).joinpath(filename).read_text(encoding="utf-8")


def parse_names(block: str) -> tuple[NameSpec, ...]:
    """Names separated by ";" or a new line; spellings by "/"; "=" and the Arabic script."""
    specs = []
    for line in block.strip().splitlines():
        for entry in line.split(";"):
            latin, _, arabic = entry.partition("=")
            spellings = tuple(s.strip() for s in latin.split("/") if s.strip())
            specs.append(NameSpec(spellings, arabic.strip()))
    return tuple(specs)


def _names(list_name: str) -> tuple[NameSpec, ...]:
    return parse_names(data_text(f"{list_name}.txt"))


ARABIC_MALE = _names("arabic_male")
ARABIC_FEMALE = _names("arabic_female")
ARABIC_FAMILY = _names("arabic_family")
SOMALI_MALE = _names("somali_male")
SOMALI_FEMALE = _names("somali_female")
SOUTH_SUDANESE_MALE = _names("south_sudanese_male")
SOUTH_SUDANESE_FEMALE = _names("south_sudanese_female")
CONGOLESE_MALE = _names("congolese_male")
CONGOLESE_FEMALE = _names("congolese_female")
CONGOLESE_FAMILY = _names("congolese_family")
AFGHAN_MALE = _names("afghan_male")
AFGHAN_FEMALE = _names("afghan_female")
AFGHAN_FAMILY = _names("afghan_family")
ROHINGYA_MALE = _names("rohingya_male")
ROHINGYA_FEMALE = _names("rohingya_female")
ROHINGYA_FEMALE_SUFFIX = _names("rohingya_female_suffix")
HORN_MALE = _names("horn_male")
HORN_FEMALE = _names("horn_female")


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
