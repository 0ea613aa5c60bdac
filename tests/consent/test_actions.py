"""Recording consent: each kind, every field checked, nothing stored on error, need-to-know."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from amana.accounts.errors import ActionError, NotAllowed
from amana.audit.models import AuditEntry
from amana.cases.actions import do_assign_case
from amana.consent import access
from amana.consent.models import ConsentRecord, RecordIsFinal
from tests.consent.helpers import make_world, record
from tests.dbroles import as_owner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given_by", "kind", "purposes", "recipients"),
    [
        ("caregiver", "consent", ["referral_immediate"], ["ngo-psy"]),
        ("relative", "consent", ["case_transfer"], ["unhcr"]),
        ("adult_subject", "consent", ["feedback_service"], ["ngo-psy"]),
        ("child", "assent", ["referral_immediate"], ["ngo-psy"]),
        ("child", "consent", ["referral_immediate"], ["ngo-psy"]),
        ("caregiver", "refusal", ["closed_case_archive"], ["unhcr"]),
        ("caregiver", "refusal", [], []),
        ("child", "withdrawal", ["referral_immediate"], []),
    ],
)
def test_each_kind_is_recorded(world, given_by, kind, purposes, recipients):
    stored = record(
        world, given_by=given_by, kind=kind, purposes=purposes, recipients=recipients,
        services=["psychosocial_support"], method="oral", language="ar", notes="asked in the office",
    )  # fmt: skip
    again = ConsentRecord.objects.get(pk=stored.pk)
    assert (again.given_by, again.kind) == (given_by, kind)
    assert (again.purposes, again.recipients) == (purposes, recipients)
    assert again.services == ["psychosocial_support"]
    assert again.child_id == world.case.child_id
    assert again.explained_by == world.worker and again.recorded_by == world.worker
    assert again.notes == "asked in the office"
    assert (again.method, again.language, again.stage) == ("oral", "ar", "intake")


def test_duplicates_are_dropped_and_empty_services_mean_no_limit(world):
    stored = record(world, purposes=["referral_immediate", "referral_immediate"], services=[])
    assert stored.purposes == ["referral_immediate"]
    assert stored.services is None


def test_a_colleague_can_be_named_as_the_one_who_explained(world):
    stored = record(world, explained_by=world.peer)
    assert stored.explained_by == world.peer and stored.recorded_by == world.worker


def test_audit_entry_names_the_record_but_holds_no_notes(world):
    stored = record(world, notes="the mother is afraid of her husband")
    entry = AuditEntry.objects.get(action="consent.record")
    assert entry.object_id == str(world.case.pk)
    assert entry.details["record"] == str(stored.pk)
    assert entry.details["kind"] == "consent"
    assert "afraid" not in str(entry.details)


TOMORROW = timezone.localdate() + timedelta(days=1)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"given_by": "neighbour"}, "given_by"),
        ({"kind": "maybe"}, "kind"),
        ({"given_by": "caregiver", "kind": "assent"}, "given_by"),
        ({"given_by": "relative", "kind": "assent"}, "given_by"),
        ({"purposes": ["holiday_trip"]}, "purposes"),
        ({"purposes": ["research"]}, "purposes"),
        ({"purposes": ["feedback_process"]}, "purposes"),
        ({"purposes": []}, "purposes"),
        ({"kind": "assent", "given_by": "child", "purposes": []}, "purposes"),
        ({"purposes": "referral_immediate"}, "purposes"),
        ({"recipients": []}, "recipients"),
        ({"recipients": ["two words"]}, "recipients"),
        ({"recipients": [""]}, "recipients"),
        ({"services": ["<script>"]}, "services"),
        ({"stage": "whenever"}, "stage"),
        ({"method": "telepathy"}, "method"),
        ({"language": ""}, "language"),
        ({"language": "english please"}, "language"),
        ({"given_on": TOMORROW}, "given_on"),
        ({"given_on": "2026-06-01"}, "given_on"),
        ({"notes": "x" * 4001}, "notes"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(world, given, field):
    with pytest.raises(ActionError) as raised:
        record(world, **given)
    assert raised.value.field == field
    assert raised.value.message
    assert not ConsentRecord.objects.exists()
    assert not AuditEntry.objects.filter(action="consent.record").exists()


def test_explainer_from_another_agency_is_refused(world):
    with pytest.raises(ActionError) as raised:
        record(world, explained_by=world.stranger)
    assert raised.value.field == "explained_by"
    assert not ConsentRecord.objects.exists()


def test_other_agency_unassigned_and_roles_without_the_permission_are_refused(world):
    for actor in (world.stranger, world.peer, world.im_officer):
        with pytest.raises(NotAllowed):
            record(world, actor=actor)
    assert not ConsentRecord.objects.exists()


def test_supervisor_and_assigned_colleague_may_record(world):
    record(world, actor=world.boss)
    do_assign_case(case=world.case, user=world.peer, actor=world.boss)
    record(world, actor=world.peer)
    assert ConsentRecord.objects.count() == 2


def test_history_follows_need_to_know(world):
    first = record(world, given_on=date(2026, 6, 2))
    second = record(world, kind="withdrawal", given_on=date(2026, 6, 1))
    assert access.consent_history(world.worker, world.case) == [second, first]
    assert access.consent_history(world.boss, world.case) == [second, first]
    for actor in (world.stranger, world.peer, world.im_officer):
        assert access.consent_history(actor, world.case) == []


def test_a_record_is_never_changed_or_deleted(world):
    stored = record(world)
    stored.kind = "refusal"
    with pytest.raises(RecordIsFinal):
        stored.save()
    with pytest.raises(RecordIsFinal):
        stored.delete()
    assert ConsentRecord.objects.get(pk=stored.pk).kind == "consent"


FINAL_REFUSALS = (
    "UPDATE consent_consentrecord SET kind = 'refusal' WHERE id = %s",
    "DELETE FROM consent_consentrecord WHERE id = %s",
)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger on PostgreSQL only")
def test_the_database_refuses_updates_and_deletes(world):
    """The app role's privileges refuse them (tests/core/test_db_roles.py); with one role, the
    trigger does."""
    stored = record(world, notes="first")
    for statement in FINAL_REFUSALS:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [stored.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger on PostgreSQL only")
@pytest.mark.django_db(transaction=True)  # as the owner, which sees committed rows only
def test_the_trigger_refuses_the_owner_too_but_lets_key_rotation_reseal_notes():
    stored = record(make_world(), notes="first")
    with as_owner():
        for statement in FINAL_REFUSALS:
            with (
                pytest.raises(DatabaseError, match="consent records are final"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement, [stored.pk])
        sealed = ConsentRecord.objects.filter(pk=stored.pk).values_list("notes", flat=True).get()
        updated = ConsentRecord.objects.filter(pk=stored.pk).update(notes=sealed)
    assert updated == 1
