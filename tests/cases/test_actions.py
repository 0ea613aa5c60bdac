"""Registering and changing cases through the write path."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.cases.actions import (
    CaseInput,
    ChildInput,
    PersonInput,
    do_register_case,
    do_set_supervisor,
    do_update_case,
)
from amana.cases.errors import ActionError, EditConflict, NotAllowed
from amana.cases.models import Case, Child, NameToken, RelatedPerson, Task
from amana.cases.names import name_tokens
from tests.cases.helpers import ensure_lookups, register
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker():
    return UserFactory(
        roles=[Role.CASEWORKER], agency=AgencyFactory(slug="ngo-psy", case_prefix="NGC")
    )


def test_registration_stores_everything_and_starts_the_clock(caseworker):
    case = register(caseworker, name="Mohammed Abdul Rahman", risk="high")
    year = date.today().year
    assert case.case_number == f"NGC-{year}-000001"
    assert register(caseworker, name="Second Child").case_number == f"NGC-{year}-000002"
    child = Child.objects.get(pk=case.child_id)
    assert child.full_name == "Mohammed Abdul Rahman" and child.birth_year == 2014
    assert set(NameToken.objects.filter(child=child).values_list("token", flat=True)) == set(
        name_tokens("Mohammed Abdul Rahman")
    )
    assert RelatedPerson.objects.get(child=child).is_caregiver
    task = Task.objects.get(case=case, kind=Task.Kind.INITIAL_ASSESSMENT)
    assert task.assigned_to == caseworker
    assert timedelta(hours=23) < task.due_at - case.registered_at <= timedelta(hours=24)
    entry = AuditEntry.objects.get(action="case.register", object_id=str(case.pk))
    assert "Mohammed" not in str(entry.details) and entry.details["case_number"] == case.case_number


@pytest.mark.parametrize(("risk", "hours"), [("high", 24), ("medium", 72), ("low", 168)])
def test_initial_assessment_due_follows_the_risk_level(caseworker, risk, hours):
    case = register(caseworker, risk=risk)
    assert case.next_due_at - case.registered_at == timedelta(hours=hours)


def test_no_plaintext_of_a_registered_child_in_the_database(caseworker):
    register(
        caseworker,
        name="Zainab Qaddouri",
        contact_phone="+962 7 9123 4567",
        individual_id="945-00123456",
    )
    with connection.cursor() as cursor:
        for table in (
            "cases_child",
            "cases_relatedperson",
            "cases_case",
            "audit_auditentry",
            "cases_nametoken",
        ):
            cursor.execute(f"SELECT * FROM {table}")
            dump = repr(cursor.fetchall())
            for secret in ("Zainab", "Qaddouri", "9123 4567", "945-00123456", "Halima"):
                assert secret not in dump, (table, secret)


@pytest.mark.parametrize(
    ("field", "child", "case"),
    [
        ("full_name", {"full_name": "  "}, {}),
        ("sex", {"sex": "x"}, {}),
        ("date_of_birth", {"date_of_birth": date.today() + timedelta(days=3)}, {}),
        ("risk_level", {}, {"risk_level": "extreme"}),
        ("concerns", {}, {"concerns": ["made_up"]}),
        ("location", {}, {"location": "nowhere"}),
        ("care_arrangement", {}, {"care_arrangement": "boarding"}),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(caseworker, field, child, case):
    ensure_lookups()
    with pytest.raises(ActionError) as err:
        do_register_case(
            child=ChildInput(**({"full_name": "A Child"} | child)),
            people=[],
            case=CaseInput(**({"risk_level": "high"} | case)),
            actor=caseworker,
        )
    assert err.value.field == field
    assert not Case.objects.exists() and not Child.objects.exists()
    assert not AuditEntry.objects.filter(action="case.register").exists()


def test_a_bad_related_person_undoes_the_whole_registration(caseworker):
    ensure_lookups()
    with pytest.raises(ActionError) as err:
        do_register_case(
            child=ChildInput(full_name="A Child"),
            people=[
                PersonInput(relationship="mother", full_name="Ok"),
                PersonInput(relationship="x", full_name="B"),
            ],
            case=CaseInput(risk_level="low"),
            actor=caseworker,
        )
    assert err.value.field == "people[1].relationship"
    assert not Child.objects.exists() and not RelatedPerson.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.IM_OFFICER, Role.DP_FOCAL_POINT, Role.COORDINATOR, Role.AGENCY_ADMIN]
)
def test_only_case_roles_register(role):
    with pytest.raises(NotAllowed):
        register(UserFactory(roles=[role]))
    assert not Case.objects.exists()


def test_second_save_on_an_old_version_is_refused_with_what_changed(caseworker):
    case = register(caseworker)
    colleague = UserFactory(roles=[Role.CASEWORKER], agency=caseworker.agency)
    from amana.cases.models import CaseAssignment

    CaseAssignment.objects.create(case=case, user=colleague)
    opened_version = case.version
    do_update_case(
        case=case,
        changes={"risk_level": "low", "location": "XX-C1"},
        expected_version=opened_version,
        actor=colleague,
    )
    with pytest.raises(EditConflict) as conflict:
        do_update_case(
            case=case,
            changes={"risk_level": "medium"},
            expected_version=opened_version,
            actor=caseworker,
        )
    assert conflict.value.changed_by == colleague.username
    assert conflict.value.changed_fields == ["location", "risk_level"]
    case.refresh_from_db()
    assert case.risk_level == "low" and case.version == opened_version + 1


def test_unknown_field_in_an_update_is_refused(caseworker):
    case = register(caseworker)
    with pytest.raises(ActionError) as err:
        do_update_case(
            case=case, changes={"agency": 3}, expected_version=case.version, actor=caseworker
        )
    assert err.value.field == "agency"


def test_supervisor_must_be_a_supervisor_of_the_agency(caseworker):
    case = register(caseworker)
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=caseworker.agency)
    stranger = UserFactory(roles=[Role.SUPERVISOR])
    peer = UserFactory(roles=[Role.CASEWORKER], agency=caseworker.agency)
    assert do_set_supervisor(case=case, supervisor=boss, actor=caseworker).supervisor == boss
    for wrong in (stranger, peer):
        with pytest.raises(ActionError):
            do_set_supervisor(case=case, supervisor=wrong, actor=caseworker)
