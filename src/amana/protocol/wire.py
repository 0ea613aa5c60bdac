"""JSON in and out for `amana check --batch` (msgspec), and the floor it is measured against.

A request line is decoded straight into the model's typed structs: msgspec checks the types,
the fixed vocabularies, the dates and empty strings in C. The two checks types cannot express
(no blank string, the elements without repeats) are made here. Whatever the fast decoder does
not accept goes to the validating reader, which either reads it the same way or names the key
path and the problem, so both paths accept exactly the same lines (a property test holds them
to it).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, Final

import msgspec

from amana.protocol.loading import parse_request_json
from amana.protocol.model import Request

_decode: Final = msgspec.json.Decoder(Request).decode
# One encoder for every output line: compact UTF-8, keys in the order given.
encode: Final = msgspec.json.Encoder().encode

# Strings already known not to be blank (and None, for an absent optional text): most requests
# repeat the same ids and words, and a set lookup (in C, on the string's cached hash) is cheaper
# than stripping each one again. Bounded, so that odd input cannot grow it without end.
_NOT_BLANK: set[str | None] = {None}
_NOT_BLANK_MAX: Final = 50_000


class _Slow(Exception):
    """Leave the fast path; the validating reader will explain."""


def _learn(values: Iterable[str | None]) -> None:
    """Check values the set does not know yet: blank ones leave the fast path."""
    for value in values:
        if value is not None and not value.strip():
            raise _Slow
    if len(_NOT_BLANK) < _NOT_BLANK_MAX:
        _NOT_BLANK.update(values)


def _settle(request: Request) -> None:
    """The checks the types cannot make; raises `_Slow` where the validator must decide."""
    known = _NOT_BLANK
    elements = request.elements
    if not (
        request.sender in known
        and request.recipient in known
        and request.purpose in known
        and request.service in known
        and request.contact_method in known
        and request.label in known
        and known.issuperset(elements)
    ):
        _learn(
            (
                request.sender,
                request.recipient,
                request.purpose,
                request.service,
                request.contact_method,
                request.label,
                *elements,
            )
        )
    for consent in request.consents:
        if not (consent.purposes <= known and consent.recipients <= known):
            _learn(consent.purposes | consent.recipients)
        if consent.services is not None and not consent.services <= known:
            _learn(consent.services)
    exceptional = request.exceptional
    if exceptional is not None:
        if exceptional.circumstance not in known:
            _learn((exceptional.circumstance or None,))
        if exceptional.risk_assessment is not None:
            exceptional.risk_assessment = exceptional.risk_assessment.strip() or None
    if len(elements) > 1 and len(set(elements)) != len(elements):
        request.elements = tuple(dict.fromkeys(elements))


def decode_request(line: bytes) -> Request:
    """One request from one JSON line; `ContractError` (or `UnicodeDecodeError`) if malformed."""
    try:
        request = _decode(line)
        _settle(request)
    except (msgspec.DecodeError, _Slow):
        return parse_request_json(line.decode("utf-8"))
    return request


def floor_line(line: bytes, decision: Any) -> bytes:
    """The floor: read the line as the command does, and write a decision without deciding."""
    _decode(line)
    return encode(decision)


# How often a batch collects reference cycles while the collector is paused (see `paused_gc`).
COLLECT_EVERY: Final = 50_000


@contextmanager
def paused_gc() -> Iterator[Callable[[int], None]]:
    """A batch creates millions of short-lived containers and no reference cycles of its own:
    reference counting frees them, and the cycle collector would only walk the growing memo
    tables again and again. It is paused for the batch; the `tick` it yields collects what was
    made since the last tick every `COLLECT_EVERY` lines (for the odd cycle, such as a malformed
    line's exception) and sets the survivors aside (`gc.freeze`); when the batch ends they are
    handed back and the collector comes back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()  # what exists now (the protocol, the tables so far) is never walked

    def tick(count: int) -> None:
        if count % COLLECT_EVERY == 0:
            gc.collect(1)
            gc.freeze()

    try:
        yield tick
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def run_floor(decision_json: str, source: BinaryIO, out: BinaryIO) -> None:
    """`amana bench`'s floor process: `check --batch` without deciding, same reading and writing
    (the cycle collector paused the same way)."""
    decision = msgspec.json.decode(decision_json)
    write = out.write
    with paused_gc() as tick:
        for count, line in enumerate(source, 1):
            if line.strip():
                write(floor_line(line, decision) + b"\n")
            tick(count)
    out.flush()
