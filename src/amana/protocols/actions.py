"""The only write path for protocols. Loading a changed document adds a version."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.db.models import Max

from amana.accounts.errors import NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.protocol import load_protocol
from amana.protocol.loading import parse_document, protocol_from_data
from amana.protocols.models import ProtocolVersion


def _as_json(data: Any) -> Any:
    """YAML dates become ISO strings so the stored document is plain JSON."""
    return json.loads(json.dumps(data, default=str))


@transaction.atomic(durable=True)
def do_load_protocol(*, source_text: str, filename: str, actor: User | None) -> ProtocolVersion:
    """Validate and store a protocol document. Raises ContractError naming the key path.

    The same text loaded again returns the version already stored.
    """
    if actor is not None and not actor.has_permission(Perm.PROTOCOL_MANAGE):
        raise NotAllowed(Perm.PROTOCOL_MANAGE.value)
    data = parse_document(source_text, filename or "protocol")
    protocol = protocol_from_data(data)
    digest = hashlib.sha256(source_text.encode()).hexdigest()
    versions = ProtocolVersion.objects.select_for_update().filter(protocol_id=protocol.id)
    existing = versions.filter(sha256=digest).first()
    if existing is not None:
        return existing
    number = (versions.aggregate(top=Max("version"))["top"] or 0) + 1
    stored = ProtocolVersion.objects.create(
        protocol_id=protocol.id,
        version=number,
        title=protocol.title,
        document=_as_json(data),
        source_text=source_text,
        sha256=digest,
        effective_from=protocol.effective_from,
        valid_until=protocol.valid_until,
        loaded_by=actor,
        filename=filename[:255],
    )
    write_entry(
        actor=actor,
        action="protocol.load",
        object_type="protocol",
        object_id=f"{protocol.id}@{number}",
        details={"sha256": digest, "filename": filename[:255]},
    )
    return stored


def load_protocol_file(path: str, *, actor: User | None) -> ProtocolVersion:
    load_protocol(path)  # the same checks and messages as `amana check`
    with open(path, encoding="utf-8") as handle:
        return do_load_protocol(source_text=handle.read(), filename=path, actor=actor)
