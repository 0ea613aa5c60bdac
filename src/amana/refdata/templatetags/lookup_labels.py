"""Template filters that show a code as its label: `{{ code|label:"elements" }}`, and a list of
codes as their labels joined by commas: `{{ codes|labels:"elements" }}`."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from amana.refdata import labels as lookup

register = template.Library()


@register.filter(name="label")
def label(code: object, kind: str) -> str:
    return lookup.label(kind, str(code or ""))


@register.filter(name="labels")
def labels(codes: Iterable[object] | None, kind: str) -> str:
    shown = [lookup.label(kind, str(code)) for code in codes or ()]
    return ", ".join(sorted(shown, key=str.casefold))
