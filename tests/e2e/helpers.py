"""Small form definitions for driving the case-management cycle in tests."""

from __future__ import annotations

APPROVED_STEPS = frozenset({"bia", "case_plan", "closure", "bid"})


def simple_form(form_id: str) -> None:
    """Store a short form for `form_id` (a step): a required summary, a date, and one field
    for each element the step must record. Labels in English only."""
    from amana.caseforms.formdefs import CORE_ELEMENTS, ELEMENTS, FIXED_CODES, validate_definition
    from amana.caseforms.models import FormDefinition

    fields = [
        {"id": "summary", "type": "long_text", "label": {"en": "Summary"}, "required": True,
         "element": "case_summary", "sensitivity": "protection"},
        {"id": "seen_on", "type": "date", "label": {"en": "Seen on"}, "element": "status_date",
         "sensitivity": "process"},
    ]  # fmt: skip
    for element in CORE_ELEMENTS[form_id]:
        if element == "case_summary":
            continue
        field = {"id": f"core_{element}", "label": {"en": f"Core {element}"}, "element": element,
                 "sensitivity": str(ELEMENTS[element].sensitivity)}  # fmt: skip
        if element in FIXED_CODES:
            codes = FIXED_CODES[element]
            field |= {"type": "select", "choices": [{"code": c, "label": {"en": c}} for c in codes]}
        else:
            field |= {"type": "long_text"}
        fields.append(field)
    approval = "supervisor" if form_id in APPROVED_STEPS else "none"
    definition = validate_definition(
        {"id": form_id, "title": {"en": f"Test {form_id}"}, "step": form_id, "approval": approval,
         "sections": [{"id": "main", "title": {"en": "Main"}, "fields": fields}]}
    )  # fmt: skip
    FormDefinition.objects.create(form_id=form_id, version=1, agency=None, definition=definition)


def simple_forms() -> None:
    """A short form for every step, so the shipped forms are not loaded in their place."""
    from amana.caseforms.formdefs import STEPS

    for step in STEPS:
        simple_form(step)
