"""`amana audit verify|seal`: exit 0 on an intact log, 1 naming the first broken entry."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amana.audit.models import AuditEntry
from amana.audit.sealer import seal_pending
from tests.audit.helpers import (
    postgresql_only,
    sealed_in_order,
    tamper_alter,
    tamper_delete,
    tamper_swap_seq,
    write_entries,
)
from tests.dbroles import postgresql_urls

AMANA = Path(sys.executable).with_name("amana")


def run_audit(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def sealed_log(transactional_db: None) -> list[AuditEntry]:
    """Committed: the tests that use it tamper as the owner role, which sees committed rows."""
    write_entries(4)
    seal_pending()
    return sealed_in_order()


def test_verify_seals_what_is_pending_then_reports_an_intact_log(db: None) -> None:
    write_entries(3)

    code, out, err = run_audit("verify")

    head = sealed_in_order()[-1]
    assert (code, err) == (0, "")
    assert out == f"audit log intact: 3 entries, head 3:{head.chain_hash}\n"


def test_verify_no_seal_leaves_pending_entries_alone_and_counts_them(db: None) -> None:
    write_entries(2)

    code, out, _ = run_audit("verify", "--no-seal")

    assert code == 0
    assert out.startswith("audit log intact: 0 entries")
    assert out.rstrip().endswith("(2 committed entries not yet sealed)")
    assert not AuditEntry.objects.filter(seq__isnull=False).exists()


def test_seal_reports_how_many_it_sealed(db: None) -> None:
    write_entries(3)

    code, out, err = run_audit("seal")
    head = f"3:{sealed_in_order()[-1].chain_hash}"
    assert (code, out, err) == (0, f"sealed 3 entries, checkpoint {head}\n", "")
    assert run_audit("seal") == (0, f"sealed 0 entries, checkpoint {head}\n", "")


def test_an_altered_entry_fails_verify_naming_it(sealed_log: list[AuditEntry]) -> None:
    victim = sealed_log[1]
    tamper_alter(victim, object_id="another-child")

    code, out, err = run_audit("verify")

    assert (code, out) == (1, "")
    assert err == (
        f"audit log broken at entry seq 2 (id {victim.pk}): "
        "content altered: content_hash does not match the entry's fields\n"
    )


def test_a_deleted_entry_fails_verify_naming_the_entry_after_the_gap(
    sealed_log: list[AuditEntry],
) -> None:
    tamper_delete(sealed_log[1])

    code, _, err = run_audit("verify")

    assert code == 1
    assert err.startswith(f"audit log broken at entry seq 3 (id {sealed_log[2].pk}): seq gap")


def test_reordered_entries_fail_verify(sealed_log: list[AuditEntry]) -> None:
    tamper_swap_seq(sealed_log[0], sealed_log[2])

    code, _, err = run_audit("verify")

    assert code == 1
    assert err.startswith(f"audit log broken at entry seq 1 (id {sealed_log[2].pk}): chain")


def test_an_anchor_from_an_earlier_verify_catches_a_cut_off_end(
    sealed_log: list[AuditEntry],
) -> None:
    head = sealed_log[-1]
    anchor = f"{head.seq}:{head.chain_hash}"
    assert run_audit("verify", "--anchor", anchor)[0] == 0

    tamper_delete(head)

    code, _, err = run_audit("verify", "--anchor", anchor)
    assert code == 1
    assert "(missing): the log ends at seq 3" in err


def test_a_malformed_anchor_is_a_usage_error(db: None) -> None:
    with pytest.raises(CommandError, match="SEQ:CHAIN_HASH"):
        call_command("audit", "verify", "--anchor", "nonsense")


def _subprocess_env() -> dict[str, str]:
    return {**os.environ, **postgresql_urls(), "AMANA_ENV": "test"}


def _amana(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(AMANA), *args], env=_subprocess_env(), capture_output=True, text=True, check=False
    )


@pytest.mark.slow
@postgresql_only("the SQLite test database lives in memory, out of a subprocess's reach")
@pytest.mark.django_db(transaction=True)
def test_amana_audit_verify_exit_codes_from_the_command_line() -> None:
    entries = write_entries(3)

    intact = _amana("audit", "verify")

    assert (intact.returncode, intact.stderr) == (0, "")
    assert intact.stdout.startswith("audit log intact: 3 entries, head 3:")

    tamper_alter(entries[0], details={"note": "rewritten"})
    broken = _amana("audit", "verify")

    assert (broken.returncode, broken.stdout) == (1, "")
    assert broken.stderr.splitlines() == [
        f"audit log broken at entry seq 1 (id {entries[0].pk}): "
        "content altered: content_hash does not match the entry's fields"
    ]
