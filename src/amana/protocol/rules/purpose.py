"""Rules 2.x and 4.2: a direct benefit to the child, enabled, and a specific agreed service."""

from __future__ import annotations

from amana.protocol.codes import Code
from amana.protocol.findings import Context, Finding, deny
from amana.protocol.vocabulary import INDIRECT_PURPOSES, PURPOSES


def purpose_is_direct(ctx: Context) -> Finding | None:
    """R2.1: research, advocacy, M&E, fundraising and programming never carry personal data."""
    if ctx.request.purpose in INDIRECT_PURPOSES:
        return deny(Code.PURPOSE_INDIRECT, purpose=ctx.request.purpose)
    return None


def purpose_is_enabled(ctx: Context) -> Finding | None:
    """R2: the purpose is in the vocabulary and the protocol enables it."""
    purpose = ctx.request.purpose
    if purpose in INDIRECT_PURPOSES:
        return None
    if purpose not in PURPOSES:
        return deny(Code.PURPOSE_UNKNOWN, purpose=purpose, why="vocabulary")
    if purpose not in ctx.protocol.purposes:
        return deny(Code.PURPOSE_UNKNOWN, purpose=purpose, why="not_enabled")
    return None


def referral_names_agreed_service(ctx: Context) -> Finding | None:
    """R2.2: an immediate referral names a service of the protocol, sent to its provider."""
    request = ctx.request
    spec = ctx.protocol.purposes.get(request.purpose)
    if request.purpose != "referral_immediate" or spec is None:
        return None
    if request.service is None:
        return deny(Code.SERVICE_UNSPECIFIED, why="none")
    service = spec.services.get(request.service)
    if service is None:
        return deny(Code.SERVICE_UNSPECIFIED, service=request.service, why="unknown")
    if service.provider != request.recipient:
        return deny(
            Code.SERVICE_UNSPECIFIED,
            service=request.service,
            provider=ctx.name_of(service.provider),
            why="other_provider",
        )
    return None


def future_services_documented(ctx: Context) -> Finding | None:
    """R4.2: sharing for future services needs the provider's services documented."""
    spec = ctx.protocol.purposes.get(ctx.request.purpose)
    if ctx.request.purpose != "referral_future" or spec is None:
        return None
    if spec.services_documented:
        return None
    return deny(Code.SERVICE_UNSPECIFIED, why="undocumented")
