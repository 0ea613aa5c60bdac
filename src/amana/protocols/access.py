"""Reading stored protocols. Protocols hold no personal data; viewing needs PROTOCOL_VIEW."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.protocol import Protocol, protocol_from_data
from amana.protocols.models import ProtocolVersion


def visible_protocols(actor: User) -> QuerySet[ProtocolVersion]:
    if not actor.has_permission(Perm.PROTOCOL_VIEW) and not actor.has_permission(
        Perm.SHARING_CHECK
    ):
        return ProtocolVersion.objects.none()
    return ProtocolVersion.objects.all()


def current_versions(actor: User) -> list[ProtocolVersion]:
    """The newest version of each protocol the actor may see."""
    latest: dict[str, ProtocolVersion] = {}
    for version in visible_protocols(actor).order_by("protocol_id", "-version"):
        latest.setdefault(version.protocol_id, version)
    return list(latest.values())


def find_version(actor: User, reference: str) -> ProtocolVersion | None:
    """`id` for the newest version, `id@N` for version N; None when there is no such protocol."""
    protocol_id, _, number = reference.partition("@")
    versions = visible_protocols(actor).filter(protocol_id=protocol_id)
    if number:
        if not number.isdigit():
            return None
        return versions.filter(version=int(number)).first()
    return versions.order_by("-version").first()


def engine_protocol(version: ProtocolVersion) -> Protocol:
    return _parsed(version.pk, version.sha256)


@lru_cache(maxsize=64)
def _parsed(pk: int, sha256: str) -> Protocol:
    return protocol_from_data(ProtocolVersion.objects.get(pk=pk).document)
