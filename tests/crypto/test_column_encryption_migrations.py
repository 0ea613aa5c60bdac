"""The data migrations of issue #12 seal the plain text already stored, and undo it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from amana.caseforms.models import FormDefinition, FormRecord
from amana.referrals.models import Referral
from tests.crypto.conftest import raw_read, raw_write
from tests.referrals.test_views import give_consent, make_world, send

pytestmark = pytest.mark.django_db

MIGRATIONS = {
    "decision_note": "amana.caseforms.migrations.0002_encrypt_decision_note",
    "response_reason": "amana.referrals.migrations.0004_encrypt_response_reason",
}


def run(column: str, direction: str) -> None:
    module = importlib.import_module(MIGRATIONS[column])
    with connection.schema_editor(atomic=False) as editor:
        getattr(module, direction)(apps, editor)


def a_form_record():
    world = make_world()
    definition = FormDefinition.objects.create(form_id="probe", version=1, definition={})
    return FormRecord.objects.create(
        case=world.case, form=definition, data="{}", created_by=world.worker
    )


def test_plain_decision_notes_are_sealed_and_read_back():
    record = a_form_record()
    raw_write(FormRecord, "decision_note", record.pk, "Mother's address in block 7")
    run("decision_note", "encrypt")
    stored = raw_read(FormRecord, "decision_note", record.pk)
    assert stored.startswith("v1:") and "block 7" not in stored
    assert FormRecord.objects.get(pk=record.pk).decision_note == "Mother's address in block 7"
    run("decision_note", "encrypt")  # a second run changes nothing
    assert raw_read(FormRecord, "decision_note", record.pk) == stored
    run("decision_note", "decrypt")
    assert raw_read(FormRecord, "decision_note", record.pk) == "Mother's address in block 7"


def test_plain_response_reasons_are_sealed_and_read_back():
    world = make_world()
    give_consent(world)
    referral = send(world)
    raw_write(Referral, "response_reason", referral.pk, "Child already in our programme")
    run("response_reason", "encrypt")
    stored = raw_read(Referral, "response_reason", referral.pk)
    assert stored.startswith("v1:") and "programme" not in stored
    assert Referral.objects.get(pk=referral.pk).response_reason == "Child already in our programme"
    run("response_reason", "decrypt")
    assert raw_read(Referral, "response_reason", referral.pk) == "Child already in our programme"


def test_new_values_are_stored_encrypted():
    record = a_form_record()
    record.decision_note = "Needs a second visit"
    record.save()
    assert "second visit" not in raw_read(FormRecord, "decision_note", record.pk)
