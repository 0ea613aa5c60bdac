"""EncryptedTextField on a real model: what is stored, what is refused, what survives."""

from __future__ import annotations

import io
import os
import uuid

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import Q
from django.test import override_settings
from django.test.utils import isolate_apps

from amana.accounts.models import User
from amana.crypto.cipher import DecryptionError
from amana.crypto.fields import EncryptedTextField
from amana.crypto.keys import keyring
from tests.crypto.conftest import K0, K1, K2, field_keys, raw_read, raw_write
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_value_round_trips_through_the_database() -> None:
    user = UserFactory(full_name="Amina Yusuf", phone="+256 700 000 001")
    assert fresh(user).full_name == "Amina Yusuf"
    assert fresh(user).phone == "+256 700 000 001"


def test_stored_value_starts_with_format_and_active_key_id() -> None:
    with field_keys(("k2", K2), ("k1", K1)):
        user = UserFactory(full_name="Amina Yusuf")
    assert raw_read(User, "full_name", user.pk).startswith("v1:k2:")


def test_same_plaintext_is_stored_differently_each_time() -> None:
    first = UserFactory(full_name="Amina Yusuf")
    second = UserFactory(full_name="Amina Yusuf")
    assert raw_read(User, "full_name", first.pk) != raw_read(User, "full_name", second.pk)


def test_empty_value_is_stored_empty() -> None:
    user = UserFactory(full_name="Amina Yusuf", phone="")
    assert raw_read(User, "phone", user.pk) == ""
    assert fresh(user).phone == ""


def test_wrong_key_is_rejected() -> None:
    with field_keys(("k1", K1)):
        user = UserFactory(full_name="Amina Yusuf")
    with field_keys(("k1", os.urandom(32))), pytest.raises(DecryptionError, match="key is wrong"):
        _ = fresh(user).full_name


def test_unknown_key_id_is_rejected() -> None:
    with field_keys(("k0", K0)):
        user = UserFactory(full_name="Amina Yusuf")
    with field_keys(("k2", K2)), pytest.raises(DecryptionError, match="no key with id 'k0'"):
        _ = fresh(user).full_name


def test_ciphertext_copied_to_another_row_is_rejected() -> None:
    source, target = UserFactory(full_name="Amina Yusuf"), UserFactory(full_name="Other")
    raw_write(User, "full_name", target.pk, raw_read(User, "full_name", source.pk))
    with pytest.raises(DecryptionError, match=f"full_name row {target.pk}"):
        _ = fresh(target).full_name


def test_ciphertext_copied_to_another_column_is_rejected() -> None:
    user = UserFactory(full_name="Amina Yusuf", phone="+256 700 000 001")
    raw_write(User, "phone", user.pk, raw_read(User, "full_name", user.pk))
    with pytest.raises(DecryptionError, match="does not belong"):
        _ = fresh(user).phone


@pytest.mark.parametrize(
    "condition",
    [
        Q(full_name="Amina Yusuf"),
        Q(full_name__iexact="amina yusuf"),
        Q(full_name__icontains="Amina"),
        Q(phone__startswith="+256"),
        Q(full_name__in=["Amina Yusuf"]),
        Q(full_name__lower__exact="amina"),
        ~Q(phone=""),
    ],
    ids=["exact", "iexact", "icontains", "startswith", "in", "transform", "negated"],
)
def test_filtering_on_an_encrypted_field_raises_field_error(condition: Q) -> None:
    with pytest.raises(FieldError, match=r"accounts\.User\.(full_name|phone) is encrypted"):
        list(User.objects.filter(condition))


def test_isnull_remains_available() -> None:
    UserFactory(full_name="Amina Yusuf")
    assert User.objects.filter(full_name__isnull=False).count() == 1


def test_writing_plaintext_through_a_queryset_is_refused() -> None:
    user = UserFactory(full_name="Amina Yusuf")
    with pytest.raises(FieldError, match="plaintext cannot be written"), transaction.atomic():
        User.objects.filter(pk=user.pk).update(full_name="Someone Else")
    assert fresh(user).full_name == "Amina Yusuf"


def test_values_returns_ciphertext_not_plaintext() -> None:
    UserFactory(full_name="Amina Yusuf")
    (stored,) = User.objects.values_list("full_name", flat=True)
    assert stored.startswith(f"v1:{keyring().active}:")


def test_deferred_value_is_loaded_and_decrypted_on_access() -> None:
    user = UserFactory(full_name="Amina Yusuf")
    deferred = User.objects.only("username").get(pk=user.pk)
    assert deferred.get_deferred_fields() >= {"full_name"}
    assert deferred.full_name == "Amina Yusuf"


def test_saving_only_a_deferred_field_keeps_its_value() -> None:
    user = UserFactory(full_name="Amina Yusuf")
    deferred = User.objects.only("username").get(pk=user.pk)
    deferred.save(update_fields=["full_name"])
    assert fresh(user).full_name == "Amina Yusuf"


def test_loaded_values_are_re_sealed_when_a_row_is_copied() -> None:
    user = UserFactory(full_name="Amina Yusuf", phone="+256 700 000 001")
    copy = fresh(user)
    copy.pk, copy.username = uuid.uuid4(), "copy-of-amina"
    copy._state.adding = True
    copy.save()
    assert fresh(copy).full_name == "Amina Yusuf"
    assert fresh(copy).phone == "+256 700 000 001"
    assert fresh(user).full_name == "Amina Yusuf"


def test_reading_does_not_change_the_stored_value() -> None:
    user = UserFactory(full_name="Amina Yusuf")
    before = raw_read(User, "full_name", user.pk)
    loaded = fresh(user)
    assert loaded.full_name == "Amina Yusuf"
    loaded.save(update_fields=["email"])
    assert raw_read(User, "full_name", user.pk) == before


def test_dumpdata_exports_ciphertext_only() -> None:
    UserFactory(full_name="Amina Yusuf", phone="+256 700 000 001")
    out = io.StringIO()
    call_command("dumpdata", "accounts.User", stdout=out)
    assert "Amina" not in out.getvalue()
    assert "+256" not in out.getvalue()
    assert '"full_name": "v1:' in out.getvalue()


def test_changing_key_settings_resets_the_cached_keyring() -> None:
    before = keyring()
    with override_settings(AMANA_FIELD_KEYS={"k2": K2}, AMANA_ACTIVE_FIELD_KEY="k2"):
        assert keyring().active == "k2"
    assert keyring() == before


@isolate_apps("amana.crypto")
def test_system_check_refuses_a_database_generated_primary_key() -> None:
    class Numbered(models.Model):  # noqa: DJ008
        secret = EncryptedTextField()

        class Meta:
            app_label = "crypto"

    class Identified(models.Model):  # noqa: DJ008
        id = models.UUIDField(primary_key=True, default=uuid.uuid4)
        secret = EncryptedTextField()

        class Meta:
            app_label = "crypto"

    assert [e.id for e in Numbered._meta.get_field("secret").check()] == ["amana_crypto.E001"]
    assert Identified._meta.get_field("secret").check() == []
