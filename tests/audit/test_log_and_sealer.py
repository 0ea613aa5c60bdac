"""Entries are written in the action's transaction and sealed into the chain once, in order."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from amana.accounts.actions import do_create_agency
from amana.accounts.models import Agency
from amana.accounts.roles import Role
from amana.audit import sealer
from amana.audit.chain import CONTENT_FIELDS, GENESIS, KEYED, content_hash, keyed_link_hash
from amana.audit.log import write_entry
from amana.audit.models import AuditEntry, Outcome
from amana.audit.sealer import seal_pending
from tests.audit.helpers import sealed_in_order, write_entries
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_action_records_who_did_what_to_which_object_from_where() -> None:
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN], agency=AgencyFactory(slug="unhcr"))

    do_create_agency(slug="save-kids", name="Save Kids", kind="national_ngo", actor=admin)

    entry = AuditEntry.objects.get(action="agency.create")
    assert (entry.actor, entry.actor_id, entry.agency) == (admin.username, str(admin.pk), "unhcr")
    assert (entry.object_type, entry.object_id) == ("agency", "save-kids")
    assert (entry.outcome, entry.origin) == (Outcome.OK, "system")
    assert entry.at is not None
    fields = {name: getattr(entry, name) for name in CONTENT_FIELDS}
    assert entry.content_hash == content_hash(fields)
    assert entry.seq is None, "sealing happens after the commit, not inside the action"


def test_sealing_chains_entries_in_write_order_from_the_genesis_hash() -> None:
    written = write_entries(3)

    assert seal_pending() == 3

    chain = sealed_in_order()
    assert [entry.pk for entry in chain] == [entry.pk for entry in written]
    assert [entry.seq for entry in chain] == [1, 2, 3]
    prev_hash = GENESIS
    for entry in chain:
        assert entry.prev_hash == prev_hash
        assert entry.chain_version == KEYED
        assert entry.chain_hash == keyed_link_hash(
            settings.AMANA_AUDIT_KEY, prev_hash, entry.seq or 0, entry.content_hash
        )
        prev_hash = entry.chain_hash


def test_the_commit_of_the_action_triggers_sealing(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        entry = write_entry(actor=None, action="test.write")

    entry.refresh_from_db()
    assert entry.seq == 1


def test_an_entry_is_rolled_back_with_the_action_that_failed() -> None:
    existing = AgencyFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        write_entry(actor=None, action="agency.create", object_type="agency", object_id="dup")
        Agency.objects.create(slug=existing.slug, name="Duplicate", kind=existing.kind)

    assert not AuditEntry.objects.filter(action="agency.create").exists()


def test_later_entries_continue_the_chain_and_nothing_is_sealed_twice() -> None:
    write_entries(2)
    seal_pending()
    first_seals = [(e.pk, e.seq, e.chain_hash) for e in sealed_in_order()]

    write_entries(2)
    assert seal_pending() == 2
    assert seal_pending() == 0

    chain = sealed_in_order()
    assert [(e.pk, e.seq, e.chain_hash) for e in chain[:2]] == first_seals
    assert [entry.seq for entry in chain] == [1, 2, 3, 4]
    assert chain[2].prev_hash == chain[1].chain_hash


def test_a_writers_sealer_stops_after_a_few_batches_but_a_waiting_one_seals_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sealer, "BATCH", 2)
    monkeypatch.setattr(sealer, "MAX_PASSES", 2)
    write_entries(7)

    assert seal_pending() == 4
    assert seal_pending(wait=True) == 3
    assert [entry.seq for entry in sealed_in_order()] == list(range(1, 8))


def test_float_details_do_not_look_altered_after_a_database_round_trip() -> None:
    from amana.audit.verify import verify_log

    entry = write_entry(actor=None, action="test.float", details={"ratio": 1e16, "nested": [0.1]})
    seal_pending()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.details == {"nested": ["0.1"], "ratio": "1e+16"}
    assert stored.content_hash == content_hash({n: getattr(stored, n) for n in CONTENT_FIELDS})
    assert verify_log().intact
