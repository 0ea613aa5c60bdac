"""`amana keys generate | rotate | status`: field keys for the operator.

generate  print a new `keyid:base64` entry for AMANA_FIELD_KEYS (stdout only; guidance on stderr)
rotate    re-encrypt every value not under the active key, in batches; safe to interrupt and rerun
status    how many stored values there are under each key id
"""

from __future__ import annotations

from argparse import ArgumentTypeError
from collections.abc import Mapping
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from amana.audit.log import write_entry
from amana.crypto.keycheck import KeyReport, reads_check_value, sample_data
from amana.crypto.keys import keyring, new_field_key_entry, new_key_material
from amana.crypto.models import KeyCheck
from amana.crypto.rotation import (
    NOT_ENCRYPTED,
    ModelRotation,
    RotationError,
    census,
    encrypted_models,
    rotate_model,
)

DEFAULT_BATCH = 500
GENERATE_HINT = (
    "Prepend this entry to AMANA_FIELD_KEYS (comma-separated, first = active), keep the old "
    "entries, restart Amana, then run `amana keys rotate`."
)
BLIND_INDEX_HINT = (
    "Use this as AMANA_BLIND_INDEX_KEY for a new installation only: changing it invalidates "
    "every stored blind index."
)


def _positive(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise ArgumentTypeError(f"expected a positive whole number, got {raw!r}")
    return int(raw)


class Command(BaseCommand):
    help = "Generate field keys, re-encrypt under the active key, or count values per key id."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        generate = actions.add_parser("generate", help="print a new AMANA_FIELD_KEYS entry")
        generate.add_argument(
            "--blind-index", action="store_true", help="print a key for AMANA_BLIND_INDEX_KEY"
        )
        rotate = actions.add_parser("rotate", help="re-encrypt values under the active key")
        rotate.add_argument("--batch", type=_positive, default=DEFAULT_BATCH, help="rows a batch")
        rotate.add_argument("--dry-run", action="store_true", help="count, change nothing")
        actions.add_parser("status", help="count stored values per key id")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            self.generate(blind_index=options["blind_index"])
        elif action == "rotate":
            self.rotate(batch=options["batch"], dry_run=options["dry_run"])
        else:
            self.status()

    def generate(self, *, blind_index: bool) -> None:
        if blind_index:
            self.stdout.write(new_key_material())
            self.stderr.write(BLIND_INDEX_HINT)
            return
        self.stdout.write(new_field_key_entry())
        self.stderr.write(GENERATE_HINT)

    def rotate(self, *, batch: int, dry_run: bool) -> None:
        ring = keyring()
        for target in encrypted_models():
            try:
                result = rotate_model(target, ring, batch, dry_run=dry_run)
            except RotationError as exc:
                if exc.done is not None and not dry_run:
                    _audit_rotation(ring.active, exc.done, completed=False)
                raise CommandError(str(exc), returncode=2) from exc
            self.stdout.write(self._rotation_line(result, ring.active, dry_run))
            if not dry_run:
                _audit_rotation(ring.active, result, completed=True)

    @staticmethod
    def _rotation_line(result: ModelRotation, active: str, dry_run: bool) -> str:
        if dry_run:
            return (
                f"{result.label}: {result.rewritten} values would be re-encrypted under "
                f"{active} ({result.rows} rows; dry run, nothing changed)"
            )
        return f"{result.label}: {result.rewritten} values re-encrypted under {active}"

    def status(self) -> None:
        """Per key id: stored values, whether the configured key reads its check value, and
        how many of a sample of real values it decrypts. Exit 2 if a key reads neither."""
        ring = keyring()
        counts = census()
        checks = dict(KeyCheck.objects.values_list("key_id", "check_value"))
        sample = sample_data(ring)
        self.stdout.write(f"active key: {ring.active}")
        wrong = []
        for key_id in [*ring.keys, *sorted(set(counts) - set(ring.keys))]:
            line = (
                f"{key_id}{_status_note(key_id, ring.active, ring.keys)}: {counts[key_id]} values"
            )
            if key_id in ring.keys:
                line += _read_note(key_id, ring, checks, sample)
                check_fails = key_id in checks and not reads_check_value(
                    ring, key_id, checks[key_id]
                )
                if check_fails or key_id in sample.failures:
                    wrong.append(key_id)
            self.stdout.write(line)
        if wrong:
            raise CommandError(
                f"key {', '.join(wrong)} does not read the data stored under its id", returncode=2
            )


def _read_note(key_id: str, ring: Any, checks: Mapping[str, str], sample: KeyReport) -> str:
    if key_id not in checks:
        check = "no check value yet"
    elif reads_check_value(ring, key_id, checks[key_id]):
        check = "check value OK"
    else:
        check = "WRONG KEY: cannot read its check value"
    tried = sample.tried.get(key_id, 0)
    read = sample.read.get(key_id, 0)
    data = f"reads {read} of {tried} sampled values" if tried else "no stored values to sample"
    return f"; {check}; {data}"


def _status_note(key_id: str, active: str, configured: Mapping[str, bytes]) -> str:
    if key_id == active:
        return " (active)"
    if key_id == NOT_ENCRYPTED or key_id in configured:
        return ""
    return " (not configured)"


def _audit_rotation(active: str, result: ModelRotation, *, completed: bool) -> None:
    """One audit entry per model with re-encrypted values, also when a later batch failed."""
    if not result.rewritten:
        return
    with transaction.atomic():
        write_entry(
            actor=None,
            action="crypto.keys.rotate",
            object_type="model",
            object_id=result.label,
            origin="cli",
            details={"key_id": active, "values": result.rewritten, "completed": completed},
        )
