"""Issue #12: field keys checked against the data. A wrong key under the right id refuses to
run (exit 2, one line); no demo key is generated over a database that holds encrypted data;
`amana keys status` says which key reads what. Each refusal has an "it runs" twin."""

from __future__ import annotations

import subprocess
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amana.config import UNCONFIRMED_SUFFIX, load
from amana.crypto.keycheck import KeyMismatch, ensure_keys_match_data
from amana.crypto.models import KeyCheck
from tests.crypto.conftest import K0, K1, K2, field_keys
from tests.crypto.test_keys_cli import amana_command, encode, operator_env
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_right_key_gets_a_check_value_and_passes_again() -> None:
    with field_keys(("k1", K1)):
        UserFactory(full_name="Amina Yusuf", phone="")
        ensure_keys_match_data()
        assert list(KeyCheck.objects.values_list("key_id", flat=True)) == ["k1"]
        ensure_keys_match_data()


@pytest.mark.django_db
def test_a_wrong_key_under_the_right_id_cannot_read_the_data() -> None:
    with field_keys(("k1", K1)):
        UserFactory(full_name="Amina Yusuf", phone="")
    with field_keys(("k1", K2)), pytest.raises(KeyMismatch) as refused:
        ensure_keys_match_data()
    message = str(refused.value)
    assert message.startswith("AMANA_FIELD_KEYS: key 'k1' cannot read the data stored under")
    assert "\n" not in message and "Amina" not in message
    assert not KeyCheck.objects.exists()


@pytest.mark.django_db
def test_a_wrong_key_under_the_right_id_cannot_read_its_check_value() -> None:
    """Even with no data yet: the check value was written under the first key."""
    with field_keys(("k1", K1)):
        ensure_keys_match_data()
    with field_keys(("k1", K2)), pytest.raises(KeyMismatch, match="key-check value"):
        ensure_keys_match_data()


@pytest.mark.django_db
def test_a_generated_demo_key_is_kept_over_an_empty_database(tmp_path: Path, settings) -> None:
    config = load({"AMANA_ENV": "test", "AMANA_VAR_DIR": str(tmp_path)})
    key_file = tmp_path / "field_key"
    assert (tmp_path / f"field_key{UNCONFIRMED_SUFFIX}").exists()
    settings.VAR_DIR = tmp_path
    with field_keys(("demo1", config.field_keys["demo1"])):
        ensure_keys_match_data()
    assert key_file.exists()
    assert not (tmp_path / f"field_key{UNCONFIRMED_SUFFIX}").exists()
    assert KeyCheck.objects.filter(key_id="demo1").exists()


@pytest.mark.django_db
def test_no_demo_key_is_generated_over_encrypted_data(tmp_path: Path, settings) -> None:
    """A backup restored on a host without the old key folder: the key `load` made up is
    removed again and the command refuses, for data under any key id."""
    with field_keys(("k0", K0)):
        UserFactory(full_name="Chol Deng", phone="")
    config = load({"AMANA_ENV": "test", "AMANA_VAR_DIR": str(tmp_path)})
    settings.VAR_DIR = tmp_path
    with (
        field_keys(("demo1", config.field_keys["demo1"])),
        pytest.raises(KeyMismatch, match="no key was generated"),
    ):
        ensure_keys_match_data()
    assert not (tmp_path / "field_key").exists()
    assert not KeyCheck.objects.exists()


def keys_status() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("keys", "status", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_keys_status_reads_real_data_with_the_right_key() -> None:
    with field_keys(("k1", K1)):
        UserFactory(full_name="Amina Yusuf", phone="+256 700 000 001")
        ensure_keys_match_data()
        code, out = keys_status()
    assert code == 0
    assert "k1 (active): 2 values; check value OK; reads 2 of 2 sampled values" in out


@pytest.mark.django_db
def test_keys_status_names_the_key_that_reads_nothing() -> None:
    with field_keys(("k1", K1)):
        UserFactory(full_name="Amina Yusuf", phone="+256 700 000 001")
        ensure_keys_match_data()
    with field_keys(("k1", K2)):
        code, out = keys_status()
    assert code == 2
    assert "k1 (active): 2 values; WRONG KEY: cannot read its check value; reads 0 of 2" in out


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*amana_command(), *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_data_command_refuses_a_wrong_key_in_one_line_exit_2(tmp_path: Path) -> None:
    with field_keys(("k1", K1)):
        UserFactory(id=uuid.UUID(int=9), full_name="Chol Deng", phone="")
    right = _run(operator_env(tmp_path, f"k1:{encode(K1)}"), "audit", "seal")
    assert right.returncode == 0, right.stderr

    wrong = _run(operator_env(tmp_path, f"k1:{encode(K2)}"), "audit", "seal")

    assert wrong.returncode == 2
    assert wrong.stderr.splitlines() == [
        "amana: AMANA_FIELD_KEYS: key 'k1' cannot read its key-check value: this is not the "
        "key the data under this id was written with"
    ]
    assert wrong.stdout == ""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_restore_without_the_key_folder_generates_no_key(tmp_path: Path) -> None:
    with field_keys(("demo1", K1)):
        UserFactory(full_name="Chol Deng", phone="")
    env: dict[str, Any] = operator_env(tmp_path, "")
    env.pop("AMANA_FIELD_KEYS")

    result = _run(env, "audit", "seal")

    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "was missing and the database already holds encrypted data" in line
    assert not (tmp_path / "var" / "field_key").exists()
