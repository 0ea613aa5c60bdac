"""An audit entry commits with the write it records: `write_entry` refuses to run outside a
transaction. Transactional tests: no test-case transaction around them to hide a missing one."""

from __future__ import annotations

import pytest
from django.db import transaction

from amana.audit.log import write_entry, write_read_entry
from amana.audit.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


def test_write_entry_outside_a_transaction_is_refused_and_writes_nothing():
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        write_entry(actor=None, action="test.write")
    assert not AuditEntry.objects.exists()


def test_write_entry_inside_a_transaction_writes():
    with transaction.atomic():
        entry = write_entry(actor=None, action="test.write")
    assert AuditEntry.objects.filter(pk=entry.pk, action="test.write").exists()


def test_a_read_is_audited_in_a_transaction_of_its_own():
    entry = write_read_entry(actor=None, action="case.view", object_type="case", object_id=7)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.object_id) == ("case.view", "7")
