"""The consent scripts caseworkers read out (scripts.yaml): per purpose, for adults and for
children, in English, French and Arabic."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from amana.consent.vocabulary import CONSENT_PURPOSES, SCRIPT_LANGUAGES

SCRIPTS_FILE = Path(__file__).with_name("scripts.yaml")
AUDIENCES = ("adult", "child")


class UnknownScript(LookupError):
    """No script for this purpose."""


@dataclass(frozen=True)
class Script:
    purpose: str
    language: str
    adult: tuple[str, ...]  # paragraphs
    child: tuple[str, ...]


@cache
def _all() -> dict[str, dict[str, dict[str, str]]]:
    data = yaml.safe_load(SCRIPTS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{SCRIPTS_FILE.name}: expected a mapping of purposes")
    for purpose in CONSENT_PURPOSES:
        for audience in AUDIENCES:
            for language in SCRIPT_LANGUAGES:
                text = data.get(purpose, {}).get(audience, {}).get(language)
                if not isinstance(text, str) or not text.strip():
                    raise ValueError(
                        f"{SCRIPTS_FILE.name}: {purpose}.{audience}.{language} missing"
                    )
    return data


def _paragraphs(text: str, agency: str) -> tuple[str, ...]:
    filled = text.replace("{agency}", agency)
    return tuple(line.strip() for line in filled.splitlines() if line.strip())


def script_for(purpose: str, language: str, *, agency: str) -> Script:
    """The script of a purpose in a language (English when the language has none)."""
    if purpose not in CONSENT_PURPOSES:
        raise UnknownScript(purpose)
    language = language if language in SCRIPT_LANGUAGES else "en"
    texts = _all()[purpose]
    return Script(
        purpose=purpose,
        language=language,
        adult=_paragraphs(texts["adult"][language], agency),
        child=_paragraphs(texts["child"][language], agency),
    )
