"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint is one JSON line appended to `AMANA_CHECKPOINT_DIR/checkpoints.jsonl`: the seq and
chain hash of the last sealed entry, how many entries were sealed, the first keyed seq, the time,
and an Ed25519 signature over all of it under `AMANA_CHECKPOINT_SIGNING_KEY`. The public key alone
verifies it. `amana audit verify` checks that the latest checkpoint's entry still has its hash
and that the log holds at least as many entries, so an attacker who owns the database can
neither cut entries off the end nor rebuild the chain without being seen.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db.models import Max, Min, Q
from django.utils import timezone

from amana.audit.chain import KEYED, canonical_json
from amana.audit.models import AuditEntry

FILENAME = "checkpoints.jsonl"
PUBLIC_KEY_FILENAME = "checkpoint_signing_key.pub"
TAIL_BYTES = 4096


class CheckpointError(Exception):
    """The checkpoint file cannot be trusted: unreadable, or a signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    chain_hash: str
    count: int
    keyed_from: int | None
    at: str

    def payload(self) -> bytes:
        return canonical_json({"v": 1, **asdict(self)}).encode()


def checkpoint_dir() -> Path:
    return Path(settings.AMANA_CHECKPOINT_DIR)


def checkpoint_file() -> Path:
    return checkpoint_dir() / FILENAME


def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(settings.AMANA_CHECKPOINT_SIGNING_KEY))


def public_key_text(key: Ed25519PublicKey | None = None) -> str:
    public = key or signing_key().public_key()
    return base64.urlsafe_b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def parse_public_key(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text.strip().encode(), altchars=b"-_", validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise CheckpointError("checkpoint public key: expected 32 bytes in base64") from exc


def current_head() -> Checkpoint | None:
    sealed = AuditEntry.objects.filter(seq__isnull=False)
    head = sealed.order_by("-seq").values_list("seq", "chain_hash").first()
    if head is None or head[0] is None:
        return None
    keyed_from = sealed.aggregate(first=Min("seq", filter=Q(chain_version=KEYED)))["first"]
    at = timezone.now().isoformat(timespec="seconds")
    return Checkpoint(head[0], head[1], sealed.count(), keyed_from, at)


def write_checkpoint() -> Checkpoint | None:
    """Sign the current head and append it to the checkpoint file (nothing if the log is
    empty). Call it only when the seals it names are committed."""
    head = current_head()
    if head is None:
        return None
    key = signing_key()
    signature = base64.urlsafe_b64encode(key.sign(head.payload())).decode()
    line = json.dumps({**asdict(head), "v": 1, "sig": signature}, sort_keys=True) + "\n"
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(directory / FILENAME, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(line)
    _last_written[directory / FILENAME] = head.seq
    public = directory / PUBLIC_KEY_FILENAME
    if not public.exists():
        public.write_text(public_key_text(key.public_key()) + "\n")
    return head


def checkpoint_if_moved() -> Checkpoint | None:
    """Sign the sealed head if it moved past the last checkpoint in the file (the periodic
    sealing job: a checkpoint within a minute of any sealed write, none while nothing
    happens). None when there was nothing new to sign."""
    head = AuditEntry.objects.filter(seq__isnull=False).aggregate(head=Max("seq"))["head"]
    if head is None or head <= _last_seq_in_file(checkpoint_file()):
        return None
    return write_checkpoint()


def _last_line(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - TAIL_BYTES))
            tail = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    lines = [line for line in tail.splitlines() if line.strip()]
    return lines[-1] if lines else None


def parse_line(line: str, public: Ed25519PublicKey) -> Checkpoint:
    try:
        data = json.loads(line)
        checkpoint = Checkpoint(
            seq=int(data["seq"]),
            chain_hash=str(data["chain_hash"]),
            count=int(data["count"]),
            keyed_from=None if data["keyed_from"] is None else int(data["keyed_from"]),
            at=str(data["at"]),
        )
        signature = base64.urlsafe_b64decode(str(data["sig"]).encode())
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise CheckpointError("the latest checkpoint is not a well-formed line") from exc
    try:
        public.verify(signature, checkpoint.payload())
    except InvalidSignature as exc:
        raise CheckpointError(
            "the latest checkpoint's signature does not verify with the checkpoint public key"
        ) from exc
    return checkpoint


def latest_checkpoint(public: Ed25519PublicKey | None = None) -> Checkpoint | None:
    """The last checkpoint in the file, its signature verified; None if there is none."""
    line = _last_line(checkpoint_file())
    if line is None:
        return None
    return parse_line(line, public or signing_key().public_key())


_last_written: dict[Path, int] = {}


def _last_seq_in_file(path: Path) -> int:
    line = _last_line(path)
    if line is None:
        return 0
    try:
        return int(json.loads(line)["seq"])
    except (ValueError, KeyError, TypeError):
        return 0


def checkpoint_due(head: int) -> bool:
    """Whether the sealed head `head` is AMANA_CHECKPOINT_EVERY entries past the last
    checkpoint. Costs nothing per seal: the last checkpoint's seq is remembered per process and
    the file is read again only when one seems due (another process may have written it)."""
    every = int(settings.AMANA_CHECKPOINT_EVERY)
    path = checkpoint_file()
    if path not in _last_written:
        _last_written[path] = _last_seq_in_file(path)
    if head - _last_written[path] < every:
        return False
    _last_written[path] = _last_seq_in_file(path)
    return head - _last_written[path] >= every
