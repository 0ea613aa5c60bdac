"""A model field that stores text encrypted, bound to its table, column and row.

Models using it must have a primary key that is known before the first save (a UUID with a
default), because the row id is part of the associated data. Encrypted values cannot be
filtered on; use a blind index column for exact-match lookup.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from amana.crypto.cipher import context_for
from amana.crypto.keys import keyring


class Sealed(str):
    """A ciphertext as read from the database, not yet decrypted."""

    __slots__ = ()


class EncryptedValueDescriptor:
    def __init__(self, field: EncryptedTextField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname, "")
        if isinstance(value, Sealed):
            value = keyring().decrypt(str(value), self.field.context(instance))
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted with AES-GCM, bound to table, column and row"

    def contribute_to_class(self, cls: type[models.Model], name: str, **kwargs: Any) -> None:  # type: ignore[override]
        super().contribute_to_class(cls, name, **kwargs)
        setattr(cls, self.attname, EncryptedValueDescriptor(self))

    def context(self, instance: models.Model) -> str:
        return context_for(instance._meta.db_table, self.column, instance.pk)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        raw = model_instance.__dict__.get(self.attname)
        if raw is None or raw == "" or isinstance(raw, Sealed):
            return raw
        if model_instance.pk is None:
            raise FieldError(f"{self.name}: the row id must be set before encrypting")
        return Sealed(keyring().encrypt(str(raw), self.context(model_instance)))

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, Sealed):
            return None if value is None else str(value)
        raise FieldError(
            f"{self.name} is encrypted: it cannot be compared in a query; use its blind index"
        )
