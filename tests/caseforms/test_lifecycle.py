"""The case-management cycle through the write path: forms, approvals, closure, reopening."""

from __future__ import annotations

import pytest

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.caseforms import access as form_access
from amana.caseforms.actions import do_decide_form, do_save_form
from amana.caseforms.formdata import read_data
from amana.caseforms.formdefs import CORE_ELEMENTS, ELEMENTS, FIXED_CODES, validate_definition
from amana.caseforms.models import FormDefinition, FormRecord
from amana.cases import access
from amana.cases.actions import do_reopen_case
from amana.cases.errors import ActionError, EditConflict, NotAllowed
from amana.cases.models import Case, Task
from tests.cases.helpers import register
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _form(step: str, approval: str = "none", refugee_only: bool = False) -> None:
    fields = [
        {"id": "summary", "type": "long_text", "label": {"en": "Summary"}, "required": True,
         "element": "case_summary", "sensitivity": "protection"},
        {"id": "seen_on", "type": "date", "label": {"en": "Seen on"}, "element": "status_date",
         "sensitivity": "process"},
    ]  # fmt: skip
    if step == "closure":
        fields.append({"id": "closure_reason", "type": "select", "label": {"en": "Reason"},
                       "element": "closure_reason", "sensitivity": "process", "required": True,
                       "choices": [{"code": "goals_met", "label": {"en": "Goals met"}}]})  # fmt: skip
    for element in CORE_ELEMENTS[step]:
        if element in {"case_summary", "closure_reason"}:
            continue
        field = {"id": f"core_{element}", "label": {"en": element}, "element": element,
                 "sensitivity": str(ELEMENTS[element].sensitivity)}  # fmt: skip
        if element in FIXED_CODES:
            codes = FIXED_CODES[element]
            field |= {"type": "select", "choices": [{"code": c, "label": {"en": c}} for c in codes]}
        else:
            field |= {"type": "long_text"}
        fields.append(field)
    definition = validate_definition(
        {"id": step, "title": {"en": step}, "step": step, "approval": approval,
         "refugee_only": refugee_only, "sections": [{"id": "main", "title": {"en": "Main"}, "fields": fields}]}
    )  # fmt: skip
    FormDefinition.objects.create(form_id=step, version=1, agency=None, definition=definition)


@pytest.fixture
def team():
    agency = AgencyFactory(slug="ngo-c", case_prefix="NGC")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency)
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency)
    for step, approval in (
        ("initial_assessment", "none"),
        ("bia", "supervisor"),
        ("case_plan", "supervisor"),
        ("follow_up", "none"),
        ("closure", "supervisor"),
    ):
        _form(step, approval)  # fmt: skip
    _form("bid", "supervisor", refugee_only=True)
    case = register(worker)
    case.supervisor = boss
    case.save()
    return worker, boss, case


def _submit(case, step, actor, **data):
    return do_save_form(
        case=case, form_id=step, data={"summary": "ok"} | data, submit=True, actor=actor
    )


def test_the_whole_cycle(team):
    worker, boss, case = team
    _submit(case, "initial_assessment", worker)
    case.refresh_from_db()
    assert case.stage == Case.Stage.ASSESSED
    assert Task.objects.filter(case=case, kind="case_plan", done_at__isnull=True).exists()
    assert Task.objects.get(case=case, kind="initial_assessment").done_at is not None

    bia = _submit(case, "bia", worker)
    assert bia.status == FormRecord.Status.SUBMITTED
    assert list(form_access.approvals_inbox(boss)) == [bia]
    assert list(form_access.approvals_inbox(worker)) == []
    do_decide_form(record=bia, approve=True, actor=boss)
    case.refresh_from_db()
    assert case.stage == Case.Stage.BIA and case.best_interests_status == "bia_done"
    assert list(form_access.approvals_inbox(boss)) == []

    plan = _submit(case, "case_plan", worker)
    do_decide_form(record=plan, approve=True, actor=boss)
    case.refresh_from_db()
    assert case.stage == Case.Stage.IMPLEMENTATION
    assert Task.objects.filter(case=case, kind="follow_up", done_at__isnull=True).count() == 1

    _submit(case, "follow_up", worker)
    assert Task.objects.filter(case=case, kind="follow_up", done_at__isnull=True).count() == 1
    assert Task.objects.filter(case=case, kind="follow_up").count() == 2

    closure = _submit(case, "closure", worker, closure_reason="goals_met")
    case.refresh_from_db()
    assert case.stage == Case.Stage.CLOSURE_REQUESTED
    do_decide_form(record=closure, approve=True, actor=boss)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closure_reason == "goals_met"
    assert not Task.objects.filter(case=case, done_at__isnull=True).exists()

    with pytest.raises(ActionError):
        _submit(case, "follow_up", worker)
    do_reopen_case(case=case, reason="new concern reported", actor=boss)
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.stage == Case.Stage.IMPLEMENTATION
    actions = list(
        AuditEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    for expected in ("form.submit", "form.approve", "case.reopen"):
        assert expected in actions


def test_returned_form_goes_back_with_a_note_and_can_be_resubmitted(team):
    worker, boss, case = team
    plan = _submit(case, "case_plan", worker)
    with pytest.raises(ActionError) as err:
        do_decide_form(record=plan, approve=False, note=" ", actor=boss)
    assert err.value.field == "note"
    do_decide_form(record=plan, approve=False, note="Add the school goal", actor=boss)
    plan.refresh_from_db()
    assert plan.status == FormRecord.Status.RETURNED and plan.decision_note == "Add the school goal"
    again = do_save_form(case=case, form_id="case_plan", data={"summary": "with school"}, submit=True,
                         record=plan, expected_version=plan.version, actor=worker)  # fmt: skip
    assert again.status == FormRecord.Status.SUBMITTED
    assert read_data(again) == {"summary": "with school"}


def test_only_the_cases_supervisor_approves_and_never_their_own(team):
    worker, boss, case = team
    other_boss = UserFactory(roles=[Role.SUPERVISOR], agency=case.agency)
    bia = _submit(case, "bia", worker)
    with pytest.raises(NotAllowed):
        do_decide_form(record=bia, approve=True, actor=other_boss)
    with pytest.raises(NotAllowed):
        do_decide_form(record=bia, approve=True, actor=worker)
    own = do_save_form(
        case=case, form_id="case_plan", data={"summary": "x"}, submit=True, actor=boss
    )
    with pytest.raises(ActionError):
        do_decide_form(record=own, approve=True, actor=boss)
    bia.refresh_from_db()
    assert bia.status == FormRecord.Status.SUBMITTED


def test_submission_needs_a_supervisor_to_approve(team):
    worker, _boss, case = team
    case.supervisor = None
    case.save()
    with pytest.raises(ActionError) as err:
        _submit(case, "bia", worker)
    assert err.value.field == "supervisor"
    assert not FormRecord.objects.exists()


def test_a_draft_may_be_incomplete_but_not_wrong(team):
    worker, _boss, case = team
    draft = do_save_form(
        case=case, form_id="initial_assessment", data={}, submit=False, actor=worker
    )
    assert draft.status == FormRecord.Status.DRAFT
    with pytest.raises(ActionError) as err:
        do_save_form(
            case=case,
            form_id="initial_assessment",
            data={"seen_on": "31/02/2026"},
            submit=False,
            actor=worker,
        )
    assert err.value.field == "seen_on"
    with pytest.raises(ActionError) as err:
        do_save_form(case=case, form_id="initial_assessment", data={}, submit=True, actor=worker)
    assert err.value.field == "summary"
    case.refresh_from_db()
    assert case.stage == Case.Stage.REGISTERED


def test_stale_form_save_is_refused(team):
    worker, _boss, case = team
    draft = do_save_form(
        case=case, form_id="initial_assessment", data={"summary": "a"}, submit=False, actor=worker
    )
    do_save_form(case=case, form_id="initial_assessment", data={"summary": "b"}, submit=False,
                 record=draft, expected_version=draft.version, actor=worker)  # fmt: skip
    with pytest.raises(EditConflict):
        do_save_form(case=case, form_id="initial_assessment", data={"summary": "c"}, submit=False,
                     record=draft, expected_version=draft.version, actor=worker)  # fmt: skip
    draft.refresh_from_db()
    assert read_data(draft) == {"summary": "b"}


def test_bid_is_for_refugee_children_only(team):
    worker, boss, case = team
    with pytest.raises(ActionError):
        _submit(case, "bid", worker)
    case.is_refugee = True
    case.save()
    bid = _submit(case, "bid", worker)
    do_decide_form(record=bid, approve=True, actor=boss)
    case.refresh_from_db()
    assert case.best_interests_status == "bid_done"


def test_form_data_is_masked_for_a_process_only_role(team):
    worker, _boss, case = team
    record = _submit(case, "initial_assessment", worker, seen_on="2026-05-01")
    officer = UserFactory(roles=[Role.IM_OFFICER], agency=case.agency)
    from amana.cases.models import CaseAssignment

    CaseAssignment.objects.create(case=case, user=officer, role="other")
    shown = form_access.readable_form_data(officer, record)
    assert shown["seen_on"] == "2026-05-01" and shown["summary"] != "ok"
    assert form_access.readable_form_data(worker, record)["summary"] == "ok"
    with pytest.raises(access.CaseNotFound):
        form_access.readable_form_data(
            UserFactory(roles=[Role.CASEWORKER], agency=case.agency), record
        )


def test_unknown_form_and_stranger(team):
    worker, _boss, case = team
    with pytest.raises(ActionError):
        do_save_form(case=case, form_id="nope", data={}, submit=False, actor=worker)
    with pytest.raises(NotAllowed):
        _submit(
            case, "initial_assessment", UserFactory(roles=[Role.CASEWORKER], agency=case.agency)
        )


def test_due_tasks_lists_the_users_open_tasks(team):
    worker, _boss, case = team
    assert [t.kind for t in access.due_tasks(worker)] == ["initial_assessment"]
    assert list(access.due_tasks(UserFactory(roles=[Role.CASEWORKER], agency=case.agency))) == []
