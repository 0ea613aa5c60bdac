"""The last registration step: possible duplicates, the summary to check, and what the
register action is given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy

from amana.accounts.models import User
from amana.cases import access, actions
from amana.cases.duplicates import possible_duplicates
from amana.cases.views.wizard import CAREGIVING
from amana.cases.webforms import ChildForm, PersonForm, RegisterCaseForm


@dataclass
class Candidate:
    case_number: str
    score: str
    reasons: list[str]
    url: str = ""


# Why amana.cases.duplicates thinks two children may be one, as a person reads it.
DUPLICATE_REASONS = {
    "all_names": gettext_lazy("all the names match"),
    "some_names": gettext_lazy("some of the names match"),
    "same_birth_year": gettext_lazy("same year of birth"),
    "birth_year_within_one": gettext_lazy("year of birth one year apart"),
    "caregiver_name": gettext_lazy("a caregiver has the same name"),
}


def _score_text(score: Any) -> str:
    """A likeness out of 100 (a fraction of one is scaled)."""
    if isinstance(score, float) and 0 <= score <= 1:
        return str(round(score * 100))
    return str(score)


def _candidates(actor: User, child: ChildForm, people: list[PersonForm]) -> list[Candidate] | None:
    """Possible duplicates, by case number only; linked where the actor may open the case."""
    born = child.cleaned_data.get("date_of_birth")
    caregivers = [
        str(form.cleaned_data["full_name"])
        for form in people
        if form.has_changed()
        and form.cleaned_data.get("full_name")
        and (
            form.cleaned_data.get("is_caregiver")
            or form.cleaned_data.get("relationship") in CAREGIVING
        )
    ]
    found = list(
        possible_duplicates(
            agency=actor.agency,
            full_name=child.cleaned_data["full_name"],
            birth_year=born.year if born else None,
            caregiver_names=caregivers,
        )
    )
    numbers = [str(c.case_number) for c in found]
    visible = dict(
        access.visible_cases(actor).filter(case_number__in=numbers).values_list("case_number", "pk")
    )
    return [
        Candidate(
            case_number=str(c.case_number),
            score=_score_text(c.score),
            reasons=[str(DUPLICATE_REASONS.get(r, r)) for r in (c.reasons or [])],
            url=reverse("cases:detail", args=[visible[c.case_number]])
            if c.case_number in visible
            else "",
        )
        for c in found
    ]


def _choice_text(form: forms.Form, name: str, value: Any) -> str:
    choices = dict(getattr(form.fields[name], "choices", []))
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    return str(choices.get(value, value)) if value else ""


def _summary(child: ChildForm, people: list[PersonForm], case: RegisterCaseForm) -> dict[str, Any]:
    facts = case.cleaned_data
    return {
        "child": child.cleaned_data,
        "sex": _choice_text(child, "sex", child.cleaned_data.get("sex")),
        "people": [
            {
                **form.cleaned_data,
                "relationship_text": _choice_text(
                    form, "relationship", form.cleaned_data.get("relationship")
                ),
            }
            for form in people
            if form.has_changed()
        ],
        "risk": _choice_text(case, "risk_level", facts.get("risk_level")),
        "concerns": _choice_text(case, "concerns", list(facts.get("concerns") or [])),
        "care": _choice_text(case, "care_arrangement", facts.get("care_arrangement")),
        "location": _choice_text(case, "location", facts.get("location")).strip(),
        "is_refugee": facts.get("is_refugee"),
        "supervisor": case.chosen_supervisor(),
    }


def _register_inputs(
    child: ChildForm, people: list[PersonForm], case: RegisterCaseForm
) -> dict[str, Any]:
    c = child.cleaned_data
    f = case.cleaned_data
    return {
        "child": actions.ChildInput(
            full_name=c["full_name"],
            sex=c["sex"],
            date_of_birth=c["date_of_birth"],
            other_names=c["other_names"],
            nationality=c["nationality"],
            individual_id=c["individual_id"],
            contact_phone=c["contact_phone"],
            address=c["address"],
        ),
        "people": [
            actions.PersonInput(
                relationship=p.cleaned_data["relationship"],
                full_name=p.cleaned_data["full_name"],
                contact_phone=p.cleaned_data["contact_phone"],
                is_caregiver=p.cleaned_data["is_caregiver"],
                lives_with_child=p.cleaned_data["lives_with_child"],
            )
            for p in people
            if p.has_changed()
        ],
        "case": actions.CaseInput(
            risk_level=f["risk_level"],
            concerns=list(f["concerns"]),
            care_arrangement=f["care_arrangement"],
            location=f["location"],
            is_refugee=f["is_refugee"],
        ),
        "supervisor": case.chosen_supervisor(),
    }
