"""Re-indexing names (`amana names reindex`): each child's `NameToken` rows and each related
person's `name_token` recomputed from the decrypted names under the rules in force
(`amana.cases.names.KEY_VERSION`), a batch of children at a time.

Children are taken in primary-key order. Each batch is one durable transaction holding its
children's rows, and writes one audit entry (action ``names.reindex`` on the object
``name-index`` / ``v<KEY_VERSION>``; details: the first and last child id of the batch and
counts, never a name). The last entry is where an interrupted run resumes
(`reindex_resume_point`); a batch run twice changes nothing the second time.

A batch adds the tokens a child lacks and deletes those the rules no longer produce, unless
``keep_stale``: then it only adds, and a stale token stays where it was, harmless because no
query computes it any more (a table name spelt in Arabic script used to be keyed in its own
letters). Registrations made while a re-index runs are indexed under the new rules already.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from amana.accounts.models import User
from amana.audit.log import write_entry
from amana.audit.models import AuditEntry
from amana.cases.models import Child, NameToken, RelatedPerson
from amana.cases.names import KEY_VERSION, caregiver_token, name_tokens

ACTION = "names.reindex"
OBJECT_TYPE = "name-index"


def index_version() -> str:
    return f"v{KEY_VERSION}"


@dataclass(frozen=True)
class ReindexedBatch:
    children: int
    last: uuid.UUID | None  # None: no child after the starting point
    changed: int  # children whose tokens changed
    added: int
    removed: int
    caregivers: int  # related people whose token was rewritten


def reindex_resume_point() -> uuid.UUID | None:
    """The last child of the last committed batch under the rules in force, or None."""
    entry = (
        AuditEntry.objects.filter(object_type=OBJECT_TYPE, object_id=index_version(), action=ACTION)
        .order_by("-id")
        .only("details")
        .first()
    )
    last = entry.details.get("last") if entry is not None else None
    return uuid.UUID(last) if last else None


def _stored_tokens(
    wanted: dict[uuid.UUID, set[str]],
) -> tuple[dict[uuid.UUID, set[str]], dict[int, uuid.UUID]]:
    """The wanted tokens each child already has, and its other token rows (id → child)."""
    present: dict[uuid.UUID, set[str]] = {child_id: set() for child_id in wanted}
    stale: dict[int, uuid.UUID] = {}
    rows = NameToken.objects.filter(child_id__in=list(wanted)).values_list(
        "pk", "child_id", "token"
    )
    for pk, child_id, token in rows:
        if token in wanted[child_id] and token not in present[child_id]:
            present[child_id].add(token)
        else:
            stale[pk] = child_id  # a token the rules no longer give, or a repeated row
    return present, stale


def _reindex_people(child_ids: list[uuid.UUID]) -> int:
    people = list(
        RelatedPerson.objects.select_for_update()
        .filter(child_id__in=child_ids)
        .only("id", "child_id", "full_name", "name_token")
    )
    changed = []
    for person in people:
        token = caregiver_token(person.full_name)
        if token != person.name_token:
            person.name_token = token
            changed.append(person)
    RelatedPerson.objects.bulk_update(changed, ["name_token"], batch_size=1000)
    return len(changed)


@transaction.atomic(durable=True)
def do_reindex_names(
    *,
    after: uuid.UUID | None,
    batch: int,
    keep_stale: bool = False,
    origin: str = "cli",
    actor: User | None = None,
) -> ReindexedBatch:
    """Re-index the names of the next `batch` children after `after` (None: from the first)."""
    children = (
        Child.objects.select_for_update().order_by("pk").only("id", "full_name", "other_names")
    )
    if after is not None:
        children = children.filter(pk__gt=after)
    rows = list(children[:batch])
    if not rows:
        return ReindexedBatch(0, None, 0, 0, 0, 0)
    wanted = {c.pk: set(name_tokens(c.full_name)) | set(name_tokens(c.other_names)) for c in rows}
    present, stale = _stored_tokens(wanted)
    missing = [
        NameToken(child_id=child_id, token=token)
        for child_id, tokens in wanted.items()
        for token in sorted(tokens - present[child_id])
    ]
    NameToken.objects.bulk_create(missing, batch_size=2000)
    changed = {token.child_id for token in missing}
    removed = 0
    if stale and not keep_stale:
        removed = NameToken.objects.filter(pk__in=list(stale)).delete()[0]
        changed |= set(stale.values())
    caregivers = _reindex_people(list(wanted))
    result = ReindexedBatch(len(rows), rows[-1].pk, len(changed), len(missing), removed, caregivers)
    _audit(result, first=rows[0].pk, keep_stale=keep_stale, origin=origin, actor=actor)
    return result


def _audit(
    result: ReindexedBatch, *, first: uuid.UUID, keep_stale: bool, origin: str, actor: User | None
) -> None:
    write_entry(
        actor=actor,
        action=ACTION,
        object_type=OBJECT_TYPE,
        object_id=index_version(),
        origin=origin,
        details={
            "key_version": KEY_VERSION,
            "first": str(first),
            "last": str(result.last),
            "children": result.children,
            "children_changed": result.changed,
            "tokens_added": result.added,
            "tokens_removed": result.removed,
            "caregiver_tokens": result.caregivers,
            "keep_stale": keep_stale,
        },
    )
