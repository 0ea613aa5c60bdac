"""Re-encryption under the active key, and a census of stored values by key id.

Rotation reads ciphertexts without going through model instances, re-seals each value that is
not under the active key for the same table, column and row, and writes it back with an UPDATE
of that row alone. Rows are taken in primary-key order, a batch at a time, each batch in its own
transaction with its rows locked, so an interrupted run loses nothing and a second run finds
nothing left to do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Left

from amana.crypto.cipher import PREFIX, DecryptionError, Keyring
from amana.crypto.fields import EncryptedTextField, Sealed, encrypted_fields

NOT_ENCRYPTED = "(not encrypted)"
CENSUS_CHUNK = 2000


class RotationError(Exception):
    """A stored value cannot be re-encrypted. The message names model, column and row.

    `done` counts what the batches committed before the failure re-encrypted.
    """

    def __init__(self, message: str, done: ModelRotation | None = None) -> None:
        super().__init__(message)
        self.done = done


@dataclass(frozen=True)
class EncryptedModel:
    model: type[models.Model]
    fields: tuple[EncryptedTextField, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def attnames(self) -> list[str]:
        return [field.attname for field in self.fields]


@dataclass(frozen=True)
class ModelRotation:
    label: str
    rewritten: int
    rows: int


def encrypted_models() -> list[EncryptedModel]:
    """Every installed model whose own table has at least one encrypted column."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        fields = encrypted_fields(model)
        if fields:
            found.append(EncryptedModel(model, tuple(fields)))
    return found


def _stale_rows(target: EncryptedModel, active: str) -> models.QuerySet[Any]:
    """Rows with at least one non-empty value whose header is not the active key's."""
    header = f"{PREFIX}:{active}:"
    queryset = target.model._base_manager.all()
    stale = models.Q()
    for field in target.fields:
        alias = f"amana_head_{field.attname}"
        head = Left(field.attname, len(header), output_field=models.TextField())
        queryset = queryset.alias(**{alias: head})
        stale |= (
            models.Q(**{f"{alias}__isnull": False})
            & ~models.Q(**{alias: ""})
            & ~models.Q(**{alias: header})
        )
    return queryset.filter(stale)


def _next_batch(
    target: EncryptedModel, active: str, after: object, size: int
) -> list[tuple[Any, ...]]:
    queryset = _stale_rows(target, active).order_by("pk")
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
    rows = queryset.select_for_update().values_list("pk", *target.attnames)[:size]
    return list(rows)


def _reseal(field: EncryptedTextField, ring: Keyring, row_id: object, stored: str) -> str:
    context = field.context_for_row(row_id)
    try:
        return ring.reencrypt(stored, context)
    except DecryptionError as exc:
        raise RotationError(f"{field.label} row {context.row_id}: {exc}") from exc


def _rotate_row(target: EncryptedModel, ring: Keyring, row: tuple[Any, ...], dry_run: bool) -> int:
    row_id, values = row[0], row[1:]
    changes: dict[str, Sealed] = {}
    for field, stored in zip(target.fields, values, strict=True):
        if stored and _needs_rotation(ring, stored):
            changes[field.attname] = Sealed(_reseal(field, ring, row_id, stored))
    if changes and not dry_run:
        target.model._base_manager.filter(pk=row_id).update(**changes)
    return len(changes)


def _needs_rotation(ring: Keyring, stored: str) -> bool:
    try:
        return not ring.is_current(stored)
    except DecryptionError:
        return True  # not a ciphertext at all: re-sealing it reports which row


def rotate_model(
    target: EncryptedModel, ring: Keyring, batch_size: int, dry_run: bool = False
) -> ModelRotation:
    rewritten = rows = 0
    after: object = None
    while True:
        try:
            with transaction.atomic():
                batch = _next_batch(target, ring.active, after, batch_size)
                in_batch = sum(_rotate_row(target, ring, row, dry_run) for row in batch)
        except RotationError as exc:
            raise RotationError(str(exc), ModelRotation(target.label, rewritten, rows)) from exc
        if not batch:
            return ModelRotation(target.label, rewritten, rows)
        rewritten, rows = rewritten + in_batch, rows + len(batch)
        after = batch[-1][0]


def _key_id_or_marker(stored: str) -> str:
    try:
        return Keyring.key_id_of(stored)
    except DecryptionError:
        return NOT_ENCRYPTED


def _stored_values(target: EncryptedModel) -> Iterator[str]:
    rows = target.model._base_manager.values_list(*target.attnames).order_by()
    for row in rows.iterator(chunk_size=CENSUS_CHUNK):
        yield from (value for value in row if value)


def census() -> Counter[str]:
    """How many non-empty stored values there are under each key id."""
    counts: Counter[str] = Counter()
    for target in encrypted_models():
        counts.update(_key_id_or_marker(value) for value in _stored_values(target))
    return counts
