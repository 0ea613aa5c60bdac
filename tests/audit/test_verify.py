"""The pure chain check: every single tampering is caught at or before the entry it touched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amana.audit.chain import CONTENT_FIELDS, GENESIS, content_hash
from amana.audit.models import AuditEntry, Outcome
from amana.audit.sealer import chain_entries
from amana.audit.verify import (
    CONTENT_ALTERED,
    ROW_FIELDS,
    Anchor,
    Break,
    check_chain,
    check_pending,
)

Row = dict[str, Any]

contents = st.fixed_dictionaries(
    {
        "at": st.datetimes(
            min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
        ),
        "actor": st.text(max_size=10),
        "actor_id": st.text(max_size=5),
        "agency": st.text(max_size=8),
        "action": st.sampled_from(["case.view", "case.edit", "referral.send", "auth.login"]),
        "object_type": st.text(max_size=8),
        "object_id": st.text(max_size=8),
        "outcome": st.sampled_from(Outcome.values),
        "origin": st.text(max_size=8),
        "details": st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5)),
    }
)


def content(number: int, **overrides: Any) -> Row:
    fields: Row = {
        "at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=number),
        "actor": "amina",
        "actor_id": "7",
        "agency": "unicef",
        "action": "case.view",
        "object_type": "case",
        "object_id": str(number),
        "outcome": Outcome.OK.value,
        "origin": "web:10.0.0.1",
        "details": {},
    }
    return fields | overrides


def sealed_rows(fields_list: list[Row]) -> list[Row]:
    entries = [
        AuditEntry(id=number, content_hash=content_hash(fields), **fields)
        for number, fields in enumerate(fields_list, start=1)
    ]
    chain_entries(entries, GENESIS, 1)
    return [{name: getattr(entry, name) for name in ROW_FIELDS} for entry in entries]


def anchor_of(rows: list[Row]) -> Anchor:
    return Anchor(rows[-1]["seq"], rows[-1]["chain_hash"])


def altered(value: Any) -> Any:
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    if isinstance(value, dict):
        return value | {"tampered-key": True}
    return f"{value}!"


def alter(rows: list[Row], position: int, data: st.DataObject) -> list[Row]:
    field = data.draw(st.sampled_from(CONTENT_FIELDS))
    row = rows[position]
    return [*rows[:position], row | {field: altered(row[field])}, *rows[position + 1 :]]


def delete(rows: list[Row], position: int, data: st.DataObject) -> list[Row]:
    return rows[:position] + rows[position + 1 :]


def swap_seq(rows: list[Row], position: int, data: st.DataObject) -> list[Row]:
    other = data.draw(st.integers(position + 1, len(rows) - 1))
    first, second = rows[position], rows[other]
    swapped = {first["id"]: second["seq"], second["id"]: first["seq"]}
    moved = [row | {"seq": swapped.get(row["id"], row["seq"])} for row in rows]
    return sorted(moved, key=lambda row: row["seq"])


Tampering = Callable[[list[Row], int, st.DataObject], list[Row]]
TAMPERINGS: dict[str, Tampering] = {"alter": alter, "delete": delete, "swap": swap_seq}


@given(fields_list=st.lists(contents, min_size=1, max_size=12))
def test_an_untouched_chain_passes(fields_list: list[Row]) -> None:
    rows = sealed_rows(fields_list)

    report = check_chain(rows, anchor_of(rows))

    assert report.intact
    assert (report.entries, report.head_hash) == (len(rows), rows[-1]["chain_hash"])


@given(fields_list=st.lists(contents, min_size=1, max_size=12), data=st.data())
def test_any_single_tampering_is_caught_at_or_before_it(
    fields_list: list[Row], data: st.DataObject
) -> None:
    rows = sealed_rows(fields_list)
    kinds = ["alter", "delete", "swap"] if len(rows) > 1 else ["alter", "delete"]
    kind = data.draw(st.sampled_from(kinds))
    last_position = len(rows) - (2 if kind == "swap" else 1)
    position = data.draw(st.integers(0, last_position))

    tampered = TAMPERINGS[kind](rows, position, data)
    anchored = check_chain(tampered, anchor_of(rows))
    unanchored = check_chain(tampered)

    assert anchored.broken is not None
    assert anchored.entries <= position, "the entries before the break must be untouched ones"
    cut_off_the_end = kind == "delete" and position == len(rows) - 1
    assert unanchored.intact == cut_off_the_end, "only an anchor shows a cut-off end"


def test_altered_content_is_named_by_seq_and_id() -> None:
    rows = sealed_rows([content(n) for n in range(4)])
    rows[2] = rows[2] | {"actor": "someone-else"}

    report = check_chain(rows)

    assert report.broken is not None
    assert (report.broken.seq, report.broken.entry_id) == (3, 3)
    assert report.describe().startswith("audit log broken at entry seq 3 (id 3): content altered")


def test_altered_content_with_a_recomputed_content_hash_breaks_the_chain() -> None:
    rows = sealed_rows([content(n) for n in range(3)])
    changed = rows[1] | {"outcome": Outcome.DENIED.value}
    rows[1] = changed | {"content_hash": content_hash(changed)}

    broken = check_chain(rows).broken

    assert broken is not None
    assert (broken.seq, broken.reason.split(":")[0]) == (2, "chain mismatch")


def test_a_deleted_entry_is_reported_at_the_entry_after_the_gap() -> None:
    rows = sealed_rows([content(n) for n in range(5)])
    del rows[2]

    broken = check_chain(rows).broken

    assert broken is not None
    assert (broken.seq, broken.entry_id) == (4, 4)
    assert broken.reason.startswith("seq gap: expected seq 3")


def test_swapped_entries_break_the_chain_at_the_first_of_them() -> None:
    rows = sealed_rows([content(n) for n in range(5)])
    first, second = rows[1], rows[3]
    rows[1], rows[3] = second | {"seq": 2}, first | {"seq": 4}

    broken = check_chain(rows).broken

    assert broken is not None
    assert (broken.seq, broken.entry_id) == (2, 4)
    assert broken.reason.startswith("chain mismatch")


def test_an_anchor_catches_entries_cut_off_the_end_and_a_rewritten_head() -> None:
    rows = sealed_rows([content(n) for n in range(3)])
    anchor = anchor_of(rows)

    cut = check_chain(rows[:2], anchor)
    rewritten = check_chain(rows, Anchor(3, "f" * 64))

    assert cut.describe() == (
        "audit log broken at entry seq 3 (missing): "
        "the log ends at seq 2: entries after it were removed"
    )
    assert rewritten.broken is not None
    assert rewritten.broken.reason == "chain_hash differs from the anchored head"


def test_an_empty_log_is_intact() -> None:
    report = check_chain([])

    assert report.intact
    assert report.describe() == f"audit log intact: 0 entries, head 0:{GENESIS}"


@pytest.mark.parametrize("text", ["12", "x:" + "a" * 64, "3:abc", "3:" + "g" * 64, ""])
def test_an_anchor_must_be_seq_colon_hash(text: str) -> None:
    with pytest.raises(ValueError, match="SEQ:CHAIN_HASH"):
        Anchor.parse(text)


def test_an_anchor_accepts_what_verify_prints() -> None:
    assert Anchor.parse(f" 12:{'AB' * 32}\n") == Anchor(12, "ab" * 32)


def test_an_unsealed_entry_with_altered_content_is_reported() -> None:
    fields = content(1)
    rows = [{"id": 9, "content_hash": content_hash(fields), **fields, "action": "case.delete"}]

    assert check_pending(rows) == (0, Break(None, 9, CONTENT_ALTERED))
