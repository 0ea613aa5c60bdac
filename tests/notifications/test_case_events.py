"""Case events: approvals requested of the supervisor and decided for the submitter, tasks
assigned to someone other than the actor, consent withdrawn told to the case's team and the
agency's data protection focal points."""

from __future__ import annotations

import pytest

from amana.accounts.roles import Role
from amana.caseforms.actions import do_decide_form
from amana.cases.actions import do_assign_case, do_reopen_case
from amana.cases.models import Case
from tests.caseforms.test_lifecycle import _submit, team  # noqa: F401  (the fixture)
from tests.factories import AgencyFactory, UserFactory
from tests.notifications.helpers import kinds_for, told
from tests.referrals.backend_helpers import World, make_world, say

pytestmark = pytest.mark.django_db


def test_a_submitted_form_asks_the_supervisor(team):  # noqa: F811
    worker, boss, case = team
    _submit(case, "initial_assessment", worker)  # no approval: the next task is the worker's own
    assert kinds_for(boss) == [] and kinds_for(worker) == []
    _submit(case, "case_plan", worker)
    notice = told(boss, "approval.requested")
    assert notice.params == {"case": case.case_number} and notice.link == "/cases/approvals/"
    assert kinds_for(worker) == []  # denied twin: the submitter is not asked


def test_a_decision_tells_the_submitter_and_the_next_task_is_theirs(team):  # noqa: F811
    worker, boss, case = team
    other = UserFactory(roles=[Role.SUPERVISOR], agency=AgencyFactory(slug="elsewhere"))
    record = _submit(case, "case_plan", worker)
    do_decide_form(record=record, approve=True, actor=boss)
    assert kinds_for(worker) == ["approval.approved", "task.assigned"]
    assert told(worker, "task.assigned").params == {"case": case.case_number}
    assert kinds_for(boss) == ["approval.requested"]  # never told of their own decision
    assert kinds_for(other) == []


def test_a_returned_form_tells_the_submitter(team):  # noqa: F811
    worker, boss, case = team
    record = _submit(case, "case_plan", worker)
    do_decide_form(record=record, approve=False, note="Add the school.", actor=boss)
    assert kinds_for(worker) == ["approval.returned"]


def test_reopening_gives_the_follow_up_to_the_assigned_caseworker(team):  # noqa: F811
    worker, boss, case = team
    do_assign_case(case=case, user=worker, actor=boss)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, stage=Case.Stage.CLOSED)
    case.refresh_from_db()
    do_reopen_case(case=case, reason="New concerns", actor=boss)
    assert kinds_for(worker) == ["task.assigned"] and kinds_for(boss) == []


@pytest.fixture
def world() -> World:
    return make_world()


def test_withdrawn_consent_tells_the_team_and_the_focal_point(world):
    dpo = UserFactory(roles=[Role.DP_FOCAL_POINT], agency=world.worker.agency)
    other_dpo = UserFactory(roles=[Role.DP_FOCAL_POINT], agency=world.officer.agency)
    do_assign_case(case=world.case, user=world.colleague, actor=world.boss)
    say(world, purposes=["referral_immediate"], recipients=["unhcr"], kind="withdrawal")
    assert told(dpo, "consent.withdrawn").params == {"case": world.case.case_number}
    assert kinds_for(world.colleague) == kinds_for(world.boss) == ["consent.withdrawn"]
    # Denied twins: the actor, a focal point of another agency, a caseworker not on the case.
    assert kinds_for(world.worker) == [] and kinds_for(other_dpo) == []
    assert kinds_for(UserFactory(roles=[Role.CASEWORKER], agency=world.worker.agency)) == []


def test_denied_twin_a_refusal_or_a_consent_is_not_a_withdrawal(world):
    dpo = UserFactory(roles=[Role.DP_FOCAL_POINT], agency=world.worker.agency)
    say(world, purposes=["referral_immediate"], recipients=["unhcr"])
    say(world, purposes=[], recipients=[], kind="refusal", given_by="child")
    assert kinds_for(dpo) == [] and kinds_for(world.boss) == []
