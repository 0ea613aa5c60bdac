"""Which form versions an agency uses is kept per process for a minute, the definitions for
good by id: a version stored in this process is offered at once, one stored elsewhere within
the minute, and an agency's adaptation never shows for another agency."""

from __future__ import annotations

import copy

import pytest

from amana.caseforms.actions import current_form, current_forms
from amana.caseforms.models import FormDefinition
from amana.core import kept
from tests.e2e.helpers import simple_forms
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _adapted(form_id: str, agency, title: str, *, version: int = 2) -> FormDefinition:
    base = current_form(form_id, agency)
    definition = copy.deepcopy(base.definition) | {"title": {"en": title}}
    return FormDefinition.objects.create(
        form_id=form_id, version=version, agency=agency, definition=definition
    )


def _title(form_id: str, agency) -> str:
    return current_forms([form_id], agency)[form_id].definition["title"]["en"]


def test_an_adaptation_stored_here_is_used_at_once():
    simple_forms()
    ours, theirs = AgencyFactory(), AgencyFactory()
    before = _title("case_plan", ours)
    _adapted("case_plan", ours, "Our case plan")
    assert _title("case_plan", ours) == "Our case plan"
    assert _title("case_plan", theirs) == before
    assert current_forms(["case_plan"], ours)["case_plan"] == current_form("case_plan", ours)


def test_one_stored_by_another_process_is_used_once_the_minute_is_over(monkeypatch):
    simple_forms()
    ours = AgencyFactory()
    before = _title("follow_up", ours)
    row = _adapted("follow_up", ours, "Our follow-up")
    kept.forget()  # as if another process had stored it: this one still has the old answer
    FormDefinition.objects.filter(pk=row.pk).delete()
    assert _title("follow_up", ours) == before
    FormDefinition.objects.bulk_create([row])  # no signal, as from another process
    assert _title("follow_up", ours) == before
    later = kept.time.monotonic() + kept.TTL_SECONDS + 1
    monkeypatch.setattr(kept.time, "monotonic", lambda: later)
    assert _title("follow_up", ours) == "Our follow-up"


def test_unknown_forms_are_left_out():
    simple_forms()
    assert current_forms(["no_such_form"], AgencyFactory()) == {}
