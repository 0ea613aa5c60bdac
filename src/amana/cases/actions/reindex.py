"""Re-indexing names (`amana names reindex`): each child's `NameToken` rows and each related
person's `name_token` recomputed from the decrypted names under the rules in force
(`amana.cases.names.KEY_VERSION`), a batch of children at a time.

Children are taken in primary-key order. Each batch is one durable transaction holding its
children's rows, and writes one audit entry (action ``names.reindex`` on the object
``name-index`` / ``v<KEY_VERSION>``; details: the first and last child id of the batch and
counts, never a name). The last entry is where an interrupted run resumes
(`reindex_resume_point`); a batch run twice changes nothing the second time.

A batch adds the tokens a child lacks, deletes those the rules no longer produce, and rewrites
the caregivers' tokens that changed. With ``add_only`` it only adds: stale tokens stay, which
is harmless for search because no query computes them any more (a name of the table written in
Arabic script used to be keyed in its own letters), and caregivers' tokens are left as they
were, so duplicate detection may miss a caregiver match until a full run. It is for a database
that must only grow while others use it (a shared benchmark database). Registrations made while
a re-index runs are indexed under the new rules already.

The names are decrypted from the stored values by row id, and each name key's blind index is
computed once per batch: 3,500 children a second on the shared benchmark VM (`docs/performance.md`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model

from amana.accounts.models import User
from amana.audit.log import write_entry
from amana.audit.models import AuditEntry
from amana.cases.models import Child, NameToken, RelatedPerson
from amana.cases.names import CAREGIVER_PURPOSE, KEY_VERSION, PURPOSE, name_keys
from amana.crypto.cipher import DecryptionError
from amana.crypto.fields import EncryptedTextField
from amana.crypto.keys import index_for, keyring

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


class _Tokens:
    """Name keys to blind indexes, memoised for one batch: the same names recur."""

    def __init__(self) -> None:
        self.memo: dict[tuple[str, str], str] = {}

    def index(self, purpose: str, key: str) -> str:
        token = self.memo.get((purpose, key))
        if token is None:
            token = self.memo[(purpose, key)] = index_for(purpose, key)
        return token

    def of_child(self, full_name: str, other_names: str) -> set[str]:
        keys = set(name_keys(full_name)) | set(name_keys(other_names))
        return {self.index(PURPOSE, key) for key in keys}

    def of_caregiver(self, full_name: str) -> str:
        keys = name_keys(full_name)
        return self.index(CAREGIVER_PURPOSE, keys[0]) if keys else ""


def _plain(model: type[Model], column: str, row_id: object, stored: str | None) -> str:
    """A stored value decrypted for its row, without building a model instance."""
    field = model._meta.get_field(column)
    assert isinstance(field, EncryptedTextField)
    if not stored:
        return ""
    try:
        return keyring().decrypt(stored, field.context_for_row(row_id))
    except DecryptionError as exc:
        raise DecryptionError(f"{field.label} row {row_id}: {exc}") from exc


def _reindex_people(child_ids: list[uuid.UUID], tokens: _Tokens) -> int:
    rows = (
        RelatedPerson.objects.select_for_update()
        .filter(child_id__in=child_ids)
        .values_list("id", "full_name", "name_token")
    )
    changed = []
    for person_id, stored, current in rows:
        token = tokens.of_caregiver(_plain(RelatedPerson, "full_name", person_id, stored))
        if token != current:
            changed.append(RelatedPerson(id=person_id, name_token=token))
    RelatedPerson.objects.bulk_update(changed, ["name_token"], batch_size=1000)
    return len(changed)


@transaction.atomic(durable=True)
def do_reindex_names(
    *,
    after: uuid.UUID | None,
    batch: int,
    add_only: bool = False,
    origin: str = "cli",
    actor: User | None = None,
) -> ReindexedBatch:
    """Re-index the names of the next `batch` children after `after` (None: from the first)."""
    children = Child.objects.select_for_update().order_by("pk")
    if after is not None:
        children = children.filter(pk__gt=after)
    rows = list(children.values_list("id", "full_name", "other_names")[:batch])
    if not rows:
        return ReindexedBatch(0, None, 0, 0, 0, 0)
    tokens = _Tokens()
    wanted = {
        child_id: tokens.of_child(
            _plain(Child, "full_name", child_id, full_name),
            _plain(Child, "other_names", child_id, other_names),
        )
        for child_id, full_name, other_names in rows
    }
    present, stale = _stored_tokens(wanted)
    missing = [
        NameToken(child_id=child_id, token=token)
        for child_id, wanted_tokens in wanted.items()
        for token in sorted(wanted_tokens - present[child_id])
    ]
    NameToken.objects.bulk_create(missing, batch_size=2000)
    changed = {token.child_id for token in missing}
    removed = caregivers = 0
    if not add_only:
        if stale:
            removed = NameToken.objects.filter(pk__in=list(stale)).delete()[0]
            changed |= set(stale.values())
        caregivers = _reindex_people(list(wanted), tokens)
    result = ReindexedBatch(len(rows), rows[-1][0], len(changed), len(missing), removed, caregivers)
    _audit(result, first=rows[0][0], add_only=add_only, origin=origin, actor=actor)
    return result


def _audit(
    result: ReindexedBatch, *, first: uuid.UUID, add_only: bool, origin: str, actor: User | None
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
            "add_only": add_only,
        },
    )
