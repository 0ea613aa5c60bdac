"""Stored protocols: versions kept, never overwritten; loading validated and audited."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amana.accounts.errors import NotAllowed
from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.protocol import ContractError
from amana.protocols.access import find_version
from amana.protocols.actions import do_load_protocol
from amana.protocols.models import ProtocolVersion

pytestmark = pytest.mark.django_db
CAMP = Path(__file__).resolve().parents[1] / "protocol" / "corpus" / "protocols" / "camp.yaml"


def test_loading_twice_keeps_one_version_and_a_change_adds_one(make_user):
    text = CAMP.read_text()
    first = do_load_protocol(source_text=text, filename="camp.yaml", actor=None)
    again = do_load_protocol(source_text=text, filename="camp.yaml", actor=None)
    changed = do_load_protocol(
        source_text=text.replace("valid_until: 2027-02-28", "valid_until: 2027-06-30"),
        filename="camp.yaml",
        actor=None,
    )
    assert first.pk == again.pk and first.version == 1
    assert changed.version == 2
    assert ProtocolVersion.objects.get(pk=first.pk).source_text == text  # not overwritten
    assert AuditEntry.objects.filter(action="protocol.load").count() == 2
    viewer = make_user(Role.CASEWORKER)
    assert find_version(viewer, "camp-test").version == 2
    assert find_version(viewer, "camp-test@1").pk == first.pk
    assert find_version(viewer, "camp-test@9") is None
    assert find_version(viewer, "camp-test@x") is None


def test_a_malformed_protocol_stores_nothing():
    with pytest.raises(ContractError, match=r"participants\[0\]\.signed_on"):
        do_load_protocol(
            source_text=CAMP.read_text().replace("signed_on: 2026-02-20}", "signed_on: soon}", 1),
            filename="bad.yaml",
            actor=None,
        )
    assert not ProtocolVersion.objects.exists()
    assert not AuditEntry.objects.filter(action="protocol.load").exists()


def test_only_protocol_managers_load(make_user):
    coordinator = make_user(Role.COORDINATOR)
    caseworker = make_user(Role.CASEWORKER)
    assert (
        do_load_protocol(source_text=CAMP.read_text(), filename="c", actor=coordinator).version == 1
    )
    with pytest.raises(NotAllowed):
        do_load_protocol(
            source_text=CAMP.read_text().replace("Camp Test inter", "Camp Test changed"),
            filename="c",
            actor=caseworker,
        )
    assert ProtocolVersion.objects.count() == 1


def test_roles_without_protocol_view_see_no_protocol(make_user):
    do_load_protocol(source_text=CAMP.read_text(), filename="c", actor=None)
    assert find_version(make_user(Role.CASEWORKER), "camp-test") is not None
    assert find_version(make_user(Role.AGENCY_ADMIN), "camp-test") is None


def test_load_command_prints_the_version(capsys):
    call_command("protocol", "load", str(CAMP))
    assert "camp-test@1 stored" in capsys.readouterr().out
    call_command("protocol", "list")
    assert "camp-test@1" in capsys.readouterr().out


def test_load_command_bad_file_is_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: t\n")
    with pytest.raises(CommandError) as err:
        call_command("protocol", "load", str(bad))
    assert err.value.returncode == 2 and "participants: required" in str(err.value)


@pytest.mark.django_db(transaction=True)
def test_load_command_in_a_real_process_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [")
    result = subprocess.run(
        [sys.executable, "-m", "amana.cli", "protocol", "load", str(bad)],
        capture_output=True, text=True, timeout=120, check=False,
        env=_env(tmp_path),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not valid YAML or JSON" in result.stderr


def _env(tmp_path):
    import os

    from django.db import connection

    from tests.dbroles import postgresql_urls, without_owner_url

    env = without_owner_url(dict(os.environ))
    if connection.vendor == "postgresql":
        env.update(postgresql_urls())
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return env
