"""A model field that stores text encrypted, bound to its table, column and row.

Models using it must have a primary key that is known before the first save (a UUID with a
default), because the row id is part of the associated data. Values are decrypted lazily, on
first attribute access. Encrypted values cannot be filtered on or written through a queryset;
use a blind index column (a plain CharField filled with `index_for`) for exact-match lookup.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.fields import AutoFieldMixin
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init

from amana.crypto.cipher import Context, DecryptionError, context_for
from amana.crypto.keys import keyring

ALLOWED_LOOKUPS = frozenset({"isnull"})


class Sealed(str):
    """A ciphertext as stored, not yet decrypted.

    `context` is the place it was read from, when known: a row whose primary key is then changed
    (copying a row) still decrypts its loaded values, and re-seals them for the new row on save.
    """

    context: Context | None

    def __new__(cls, stored: str, context: Context | None = None) -> Sealed:
        sealed = super().__new__(cls, stored)
        sealed.context = context
        return sealed


class EncryptedValueDescriptor(DeferredAttribute):
    """Loads deferred values like Django's own descriptor, and decrypts on first read."""

    field: EncryptedTextField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.decrypt(value, instance)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted with AES-GCM, bound to table, column and row"
    descriptor_class = EncryptedValueDescriptor

    def contribute_to_class(self, cls: type[models.Model], name: str, **kwargs: Any) -> None:  # type: ignore[override]
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            post_init.connect(bind_loaded_ciphertexts, sender=cls)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *self._check_row_id_known_before_insert()]

    def _check_row_id_known_before_insert(self) -> list[checks.CheckMessage]:
        pk = self.model._meta.pk
        if not isinstance(pk, AutoFieldMixin):
            return []
        return [
            checks.Error(
                "an encrypted field needs a primary key known before the row is inserted",
                hint="Give the model a UUIDField primary key with default=uuid.uuid4.",
                obj=self,
                id="amana_crypto.E001",
            )
        ]

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def context_for_row(self, row_id: object) -> Context:
        """The associated data of this column in one row. Rotation uses it too."""
        pk = self.model._meta.pk
        assert pk is not None
        return context_for(self.model._meta.db_table, self.column, pk.to_python(row_id))

    def context(self, instance: models.Model) -> Context:
        if instance.pk is None:
            raise FieldError(f"{self.label}: the row id must be set before encrypting")
        return self.context_for_row(instance.pk)

    def decrypt(self, sealed: Sealed, instance: models.Model) -> str:
        context = sealed.context or self.context(instance)
        try:
            return keyring().decrypt(sealed, context)
        except DecryptionError as exc:
            raise DecryptionError(f"{self.label} row {context.row_id}: {exc}") from exc

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if self.attname not in model_instance.__dict__:
            model_instance.refresh_from_db(fields=[self.attname])
        value = model_instance.__dict__[self.attname]
        if value is None or value == "":
            return value
        if isinstance(value, Sealed):
            if value.context is None or value.context == self.context(model_instance):
                return value
            value = self.decrypt(value, model_instance)
        context = self.context(model_instance)
        return Sealed(keyring().encrypt(str(value), context), context)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, Sealed):
            return None if value is None else str(value)
        raise FieldError(
            f"{self.label} is encrypted: plaintext cannot be written or compared in a query; "
            "save it through the model and look it up through its blind index"
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name in ALLOWED_LOOKUPS:
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.label} is encrypted and cannot be filtered on ({lookup_name!r}); "
            "look it up through its blind index"
        )

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(
            f"{self.label} is encrypted: {lookup_name!r} cannot be applied to it in a query"
        )

    def value_to_string(self, obj: models.Model) -> str:
        """Serialisers (dumpdata) get the ciphertext, never the plaintext."""
        value = obj.__dict__.get(self.attname)
        if value is None or value == "" or isinstance(value, Sealed):
            return "" if value is None else str(value)
        return keyring().encrypt(str(value), self.context(obj))


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    """The encrypted columns stored in `model`'s own table."""
    return [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]


def bind_loaded_ciphertexts(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    """After a row is loaded, remember which row each of its ciphertexts belongs to."""
    if instance.pk is None:
        return
    for field in instance._meta.concrete_fields:
        if not isinstance(field, EncryptedTextField):
            continue
        value = instance.__dict__.get(field.attname)
        if isinstance(value, Sealed) and value.context is None:
            instance.__dict__[field.attname] = Sealed(value, field.context(instance))
