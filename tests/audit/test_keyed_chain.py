"""Issue #12: an attacker who owns the audit table (trigger off, plain SQL) rewrites entries and
recomputes every hash they can; `amana audit verify` must still see it. Each "detected" test
has an "intact" twin."""

from __future__ import annotations

import base64
import json
import os
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from amana.audit.chain import GENESIS, KEYED, content_hash, keyed_link_hash, link_hash
from amana.audit.checkpoint import checkpoint_file, public_key_text, write_checkpoint
from amana.audit.models import AuditEntry
from amana.audit.sealer import seal_pending
from tests.audit.helpers import guard_lifted, sealed_in_order, write_entries

TABLE = AuditEntry._meta.db_table
CONTENT = ("at", "actor", "actor_id", "agency", "action", "object_type", "object_id")
CONTENT += ("outcome", "origin", "details")


def run_audit(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def log(transactional_db: None) -> list[AuditEntry]:
    """Committed: the rewrites run as the owner role, which sees committed rows."""
    write_entries(5)
    seal_pending()
    return sealed_in_order()


def rewrite_from(
    entries: list[AuditEntry],
    position: int,
    *,
    version: int | None,
    key: bytes | None = None,
    **changes: Any,
) -> None:
    """Change entry `position`'s content, then recompute content hashes and every link after it
    with plain SQL: unkeyed SHA-256 (`key` None) or an HMAC under a key the attacker has."""
    prev_hash = entries[position - 1].chain_hash if position else GENESIS
    with guard_lifted(), connection.cursor() as cursor:
        for number, entry in enumerate(entries[position:]):
            fields = {name: getattr(entry, name) for name in CONTENT}
            if number == 0:
                fields.update(changes)
            digest = content_hash(fields)
            seq = entry.seq or 0
            chained = (
                link_hash(prev_hash, seq, digest)
                if key is None
                else keyed_link_hash(key, prev_hash, seq, digest)
            )
            cursor.execute(
                f"UPDATE {TABLE} SET object_id = %s, content_hash = %s, prev_hash = %s, "
                "chain_hash = %s, chain_version = %s WHERE id = %s",
                [fields["object_id"], digest, prev_hash, chained, version, entry.pk],
            )
            prev_hash = chained


def test_intact_keyed_log_verifies(log: list[AuditEntry]) -> None:
    code, out, _ = run_audit("verify")
    assert code == 0
    assert out.startswith("audit log intact: 5 entries")
    assert all(entry.chain_version == KEYED for entry in log)


def test_a_rewrite_with_recomputed_sha256_links_is_detected(log: list[AuditEntry]) -> None:
    rewrite_from(log, 1, version=KEYED, object_id="another-child")

    code, out, err = run_audit("verify")

    assert (code, out) == (1, "")
    assert err.startswith(f"audit log broken at entry seq 2 (id {log[1].pk}): chain mismatch")
    assert "HMAC" in err and err.count("\n") == 1


def test_a_rewrite_passed_off_as_old_unkeyed_entries_is_detected(log: list[AuditEntry]) -> None:
    """The attacker marks the whole log as pre-upgrade (chain version 1) and recomputes it."""
    rewrite_from(log, 0, version=None, object_id="another-child")

    code, _, err = run_audit("verify", "--no-seal")

    assert code == 1
    assert "unkeyed entry that no signed checkpoint vouches for" in err


def test_a_rewrite_passed_off_as_unkeyed_is_detected_against_the_checkpoint(
    log: list[AuditEntry],
) -> None:
    write_checkpoint()
    rewrite_from(log, 0, version=None, object_id="another-child")

    code, _, err = run_audit("verify", "--no-seal")

    assert code == 1
    assert err.startswith(f"audit log broken at entry seq 1 (id {log[0].pk}): unkeyed")


def test_a_chain_recomputed_under_the_wrong_key_is_detected(log: list[AuditEntry]) -> None:
    rewrite_from(log, 2, version=KEYED, key=os.urandom(32), object_id="another-child")

    code, _, err = run_audit("verify")

    assert code == 1
    assert err.startswith(f"audit log broken at entry seq 3 (id {log[2].pk}): chain mismatch")


def test_a_chain_recomputed_under_the_right_key_is_the_same_chain(log: list[AuditEntry]) -> None:
    """The twin: recomputing with the real key and no change leaves the log as it was."""
    rewrite_from(log, 2, version=KEYED, key=settings.AMANA_AUDIT_KEY, object_id=log[2].object_id)
    assert run_audit("verify")[0] == 0


def test_verify_under_another_audit_key_fails(log: list[AuditEntry], settings: Any) -> None:
    settings.AMANA_AUDIT_KEY = os.urandom(32)
    code, _, err = run_audit("verify")
    assert code == 1
    assert err.startswith(f"audit log broken at entry seq 1 (id {log[0].pk}): chain mismatch")


def test_seal_writes_a_signed_checkpoint_and_verify_uses_it(log: list[AuditEntry]) -> None:
    code, out, _ = run_audit("seal")
    assert code == 0
    line = json.loads(checkpoint_file().read_text().splitlines()[-1])
    assert (line["seq"], line["chain_hash"], line["count"]) == (5, log[-1].chain_hash, 5)
    assert line["keyed_from"] == 1 and line["sig"]

    code, out, _ = run_audit("verify")
    assert code == 0
    assert "signed checkpoint 5" in out


def test_a_truncated_tail_is_detected_by_the_checkpoint(log: list[AuditEntry]) -> None:
    run_audit("seal")
    with guard_lifted():
        AuditEntry.objects.filter(pk__in=[log[-1].pk, log[-2].pk]).delete()

    code, out, err = run_audit("verify")

    assert (code, out) == (1, "")
    assert err == (
        "audit log broken at entry seq 5 (missing): the log ends at seq 3 but the signed "
        f"checkpoint of {json.loads(checkpoint_file().read_text())['at']} counted 5: entries "
        "after it were removed\n"
    )


def test_a_checkpoint_whose_entry_was_replaced_is_detected(log: list[AuditEntry]) -> None:
    """Truncate the tail, then write new entries up to the old count: the checkpointed entry
    is back at its seq, with another hash."""
    run_audit("seal")
    with guard_lifted():
        AuditEntry.objects.filter(pk=log[-1].pk).delete()
    write_entries(1, action="test.forged")

    code, _, err = run_audit("verify")

    assert code == 1
    assert "differs from the signed checkpoint" in err


def test_a_forged_checkpoint_line_is_refused(log: list[AuditEntry]) -> None:
    run_audit("seal")
    path = checkpoint_file()
    line = json.loads(path.read_text())
    line["count"] = 3
    path.write_text(json.dumps(line) + "\n")

    code, _, err = run_audit("verify")

    assert code == 1
    assert err == (
        "audit log broken: the latest checkpoint's signature does not verify with the "
        "checkpoint public key\n"
    )


def test_the_public_key_alone_verifies_checkpoints(log: list[AuditEntry], settings: Any) -> None:
    run_audit("seal")
    public = public_key_text()
    assert run_audit("public-key")[1].strip() == public
    settings.AMANA_CHECKPOINT_SIGNING_KEY = os.urandom(32)  # another signer: must not verify

    assert run_audit("verify", "--public-key", public)[0] == 0
    code, _, err = run_audit("verify")
    assert code == 1 and "signature does not verify" in err


def test_the_sealer_writes_a_checkpoint_every_n_entries(
    transactional_db: None, settings: Any
) -> None:
    settings.AMANA_CHECKPOINT_EVERY = 3
    write_entries(2)
    assert not Path(checkpoint_file()).exists()
    write_entries(1)
    lines = checkpoint_file().read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [3]


def test_unkeyed_entries_before_the_first_checkpoint_still_verify(db: None) -> None:
    """Upgrade path: entries sealed before the keyed chain (chain_version NULL, SHA-256) verify
    once the first checkpoint after the upgrade vouches for them; new entries are keyed."""
    old = write_entries(3)
    prev_hash = GENESIS
    # Sealing an unsealed entry: the app role may, and the trigger lets it.
    with connection.cursor() as cursor:
        for seq, entry in enumerate(old, start=1):
            chained = link_hash(prev_hash, seq, entry.content_hash)
            cursor.execute(
                f"UPDATE {TABLE} SET seq = %s, prev_hash = %s, chain_hash = %s WHERE id = %s",
                [seq, prev_hash, chained, entry.pk],
            )
            prev_hash = chained
    assert run_audit("verify", "--no-seal")[0] == 1  # no checkpoint vouches for them yet

    assert run_audit("seal")[0] == 0
    write_entries(2)
    code, out, _ = run_audit("verify")
    assert code == 0, out
    versions = [entry.chain_version for entry in sealed_in_order()]
    assert versions == [None, None, None, KEYED, KEYED]


def test_a_malformed_public_key_is_a_usage_error(log: list[AuditEntry]) -> None:
    bad = base64.urlsafe_b64encode(b"short").decode()
    code, _, err = run_audit("verify", "--public-key", bad)
    assert code == 2 and "public key" in err


def test_a_checkpoint_that_cannot_be_written_does_not_fail_the_write(
    transactional_db: None, settings: Any, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.AMANA_CHECKPOINT_DIR = blocker / "checkpoints"
    settings.AMANA_CHECKPOINT_EVERY = 1

    write_entries(2)

    assert AuditEntry.objects.filter(seq__isnull=False).count() == 2
