"""Which stored protocol governs a disclosure: the one in force for these parties on this day.

Every version of every protocol is kept (`ProtocolVersion`), so "the newest loaded" is not the
protocol in force: a signed version stays in force while a revision waits for its
`effective_from`, and agencies may take part in several operations' protocols. Among the
versions listing the sender (and the recipient, when given) as participants, in this order:

1. one in force on the day (`effective_from` ≤ day ≤ `valid_until`), the newest such;
2. a draft (no `effective_from`, or one still to come) whose interim period is running;
3. the newest listing the parties — the engine then explains why nothing may be shared
   (expired, interim over).

When no version lists the recipient, the sender's own protocol is chosen the same way, so the
engine names the recipient as no participant (`party.not_participant`). Protocols hold no
personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform

from amana.protocols.access import engine_protocol
from amana.protocols.models import ProtocolVersion


def protocol_in_force(
    sender_slug: str, on_date: date, recipient_slug: str | None = None
) -> ProtocolVersion | None:
    """The stored version governing sharing from `sender_slug` (to `recipient_slug`) on a day."""
    if recipient_slug:
        chosen = _choose({sender_slug, recipient_slug}, on_date)
        if chosen is not None:
            return chosen
    return _choose({sender_slug}, on_date)


def protocols_in_force(
    sender_slugs: Iterable[str], on_date: date
) -> dict[str, ProtocolVersion | None]:
    """`protocol_in_force(slug, on_date)` for each of many senders, the stored versions read
    in one query whatever their number: for lists of many agencies' referrals. The same
    choice, made in Python over the versions (a handful: one per protocol revision)."""
    wanted = set(sender_slugs)
    if not wanted:
        return {}
    versions: list[ProtocolVersion] = list(
        _newest()
        .defer("document", "source_text")
        .annotate(listed=KeyTransform("participants", "document"))
    )
    return {slug: _choose_among(versions, {slug}, on_date) for slug in wanted}


def _choose_among(
    versions: list[ProtocolVersion], parties: set[str], on_date: date
) -> ProtocolVersion | None:
    """`_choose` over versions already read (newest first, each with its `listed` parties)."""
    listing = [v for v in versions if parties <= _ids(getattr(v, "listed", None))]
    for version in listing:
        starts, ends = version.effective_from, version.valid_until
        if starts is not None and starts <= on_date and (ends is None or ends >= on_date):
            return version
    for version in listing:
        starts = version.effective_from
        if (starts is None or starts > on_date) and _interim_running(version, on_date):
            return version
    return listing[0] if listing else None


def _newest() -> QuerySet[ProtocolVersion]:
    return ProtocolVersion.objects.order_by("-loaded_at", "-version")


def _choose(parties: set[str], on_date: date) -> ProtocolVersion | None:
    newest = _newest()
    in_force = newest.filter(effective_from__lte=on_date).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on_date)
    )
    found = _first_listing(in_force, parties)
    if found is not None:
        return _version(found)
    drafts = newest.filter(Q(effective_from__isnull=True) | Q(effective_from__gt=on_date))
    for pk in _listing(drafts, parties):
        version = _version(pk)
        if _interim_running(version, on_date):
            return version
    found = _first_listing(newest, parties)
    return None if found is None else _version(found)


def _listing(rows: QuerySet[ProtocolVersion], parties: set[str]) -> Iterable[int]:
    """The keys of the versions (in the queryset's order) listing every party; only the
    participants are read from each document."""
    for pk, participants in rows.values_list("pk", "document__participants"):
        if parties <= _ids(participants):
            yield pk


def _first_listing(rows: QuerySet[ProtocolVersion], parties: set[str]) -> int | None:
    return next(iter(_listing(rows, parties)), None)


def _ids(participants: Any) -> set[str]:
    if not isinstance(participants, list):
        return set()
    return {str(p.get("id")) for p in participants if isinstance(p, dict)}


def _version(pk: int) -> ProtocolVersion:
    return ProtocolVersion.objects.defer("document", "source_text").get(pk=pk)


def _interim_running(version: ProtocolVersion, on_date: date) -> bool:
    last_day = engine_protocol(version).interim_last_day
    return last_day is not None and on_date <= last_day
