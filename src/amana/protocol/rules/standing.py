"""Rules 1.x: is a protocol in force, and may these two parties share under it?"""

from __future__ import annotations

from functools import lru_cache

from amana.protocol.codes import Code
from amana.protocol.findings import Context, Finding, deny, note
from amana.protocol.vocabulary import INTERIM_PURPOSES


def protocol_in_force(ctx: Context) -> Finding | None:
    """R1.3, R1.4: signed and current, or within the interim period."""
    protocol, at = ctx.protocol, ctx.request.at
    if protocol.effective_from is not None and protocol.effective_from <= at:
        if protocol.valid_until is not None and at > protocol.valid_until:
            return deny(Code.PROTOCOL_EXPIRED, until=protocol.valid_until.isoformat())
        return None
    last_day = protocol.interim_last_day
    if last_day is None or at > last_day:
        return deny(Code.PROTOCOL_INTERIM_EXPIRED, last_day=str(last_day or "—"))
    ctx.interim = True
    return note(Code.PROTOCOL_INTERIM, last_day=last_day.isoformat())


def interim_purpose(ctx: Context) -> Finding | None:
    """R1.3: in the interim only individual referrals and transfers may go."""
    if not ctx.interim:
        return None
    if ctx.request.purpose in INTERIM_PURPOSES:
        return None
    return deny(Code.PROTOCOL_INTERIM, purpose=ctx.request.purpose, why="purpose")


def interim_basis(ctx: Context) -> Finding | None:
    """R1.3: in the interim only consent or the child's best interests justify sharing."""
    if not ctx.interim:
        return None
    if ctx.request.legal_basis in ("consent", "best_interests"):
        return None
    return deny(Code.BASIS_INVALID, basis=ctx.request.legal_basis, why="interim")


@lru_cache(maxsize=256)
def _folded(areas: tuple[str, ...]) -> frozenset[str]:
    return frozenset(map(fold_area, areas))


def fold_area(area: str) -> str:
    """An area as compared: case and runs of spaces do not count."""
    return " ".join(area.split()).casefold()


def area_in_scope(ctx: Context) -> Finding | None:
    """R1.5: a protocol that lists its areas covers those only; a request that names no area
    is not refused by this rule."""
    areas = ctx.protocol.scope_areas
    area = ctx.request.subject.area
    if not areas or area is None or fold_area(area) in _folded(areas):
        return None
    return deny(Code.SCOPE_OUTSIDE, area=area, areas=", ".join(areas))


def _party(ctx: Context, party_id: str, role: str) -> list[Finding]:
    participant = ctx.protocol.participants.get(party_id)
    at = ctx.request.at
    if participant is None:
        return [deny(Code.PARTY_NOT_PARTICIPANT, party=party_id, role=role, why="not_listed")]
    found: list[Finding] = []
    if not ctx.interim and (participant.signed_on is None or participant.signed_on > at):
        found.append(
            deny(Code.PARTY_NOT_PARTICIPANT, party=participant.name, role=role, why="unsigned")
        )
    if participant.suspended is not None and participant.suspended.covers(at):
        found.append(deny(Code.PARTY_SUSPENDED, party=participant.name, role=role))
    return found


def parties_may_share(ctx: Context) -> list[Finding]:
    """R1.1, R1.2: both parties signed (listed, in the interim) and not suspended."""
    return _party(ctx, ctx.request.sender, "sender") + _party(
        ctx, ctx.request.recipient, "recipient"
    )
