"""JSON in and out for `amana check --batch` (msgspec), and the floor it is measured against.

A request line is decoded straight into the model's typed structs: msgspec checks the types,
the fixed vocabularies, the dates and empty strings in C. The checks types cannot express (no
blank string, the elements without repeats, no subject under 18 whose care status is adult) are
made here. Whatever the fast decoder does
not accept goes to the validating reader, which either reads it the same way or names the key
path and the problem, so both paths accept exactly the same lines (a property test holds them
to it).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, BinaryIO, Final

import msgspec

from amana.protocol.fast import canon
from amana.protocol.loading import parse_request_json
from amana.protocol.model import Request
from amana.protocol.vocabulary import ADULT_AGE

# The typed decoder (raises `DecodeError`); `settle` makes the checks it cannot (raises
# `SlowPath`). `decode_request` is both, with the validating reader as the way out.
decode_typed: Final = msgspec.json.Decoder(Request).decode
DecodeError: Final = msgspec.DecodeError
# One encoder for every output line: compact UTF-8, keys in the order given.
encode: Final = msgspec.json.Encoder().encode

# Strings already known not to be blank (and None, for an absent optional text): most requests
# repeat the same ids and words, and a set lookup (in C, on the string's cached hash) is cheaper
# than stripping each one again. Bounded, so that odd input cannot grow it without end.
_NOT_BLANK: set[str | None] = {None}
_NOT_BLANK_MAX: Final = 50_000


class SlowPath(Exception):
    """Leave the fast path; the validating reader will explain."""


def _learn(values: Iterable[str | None]) -> None:
    """Check values the set does not know yet: blank ones leave the fast path."""
    for value in values:
        if value is not None and not value.strip():
            raise SlowPath
    if len(_NOT_BLANK) < _NOT_BLANK_MAX:
        _NOT_BLANK.update(map(canon.text, values))


def settle(request: Request) -> None:
    """The checks the types cannot make; raises `SlowPath` where the validator must decide."""
    known = _NOT_BLANK
    elements = request.elements
    subject = request.subject
    if subject.care_status == "adult" and subject.age < ADULT_AGE:
        raise SlowPath  # a request that contradicts itself: the validator names the key
    if not (
        request.sender in known
        and request.recipient in known
        and request.purpose in known
        and request.service in known
        and request.contact_method in known
        and request.label in known
        and subject.area in known
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
                subject.area,
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
        request = decode_typed(line)
        settle(request)
    except (DecodeError, SlowPath):
        return parse_request_json(line.decode("utf-8"))
    return request


def floor_line(line: bytes, decision: Any) -> bytes:
    """The floor: read the line as the command does, and write a decision without deciding."""
    decode_typed(line)
    return encode(decision)


# How often a batch collects reference cycles while the collector is paused (see `paused_gc`).
COLLECT_EVERY: Final = 50_000
UNIVERSAL_NEWLINE: Final = re.compile(rb"\r\n?|\n")


@contextmanager
def paused_gc() -> Iterator[None]:
    """A batch creates millions of short-lived containers and no reference cycles of its own:
    reference counting frees them, and the cycle collector would only walk the growing memo
    tables again and again. It is paused for the batch (`write_lines` collects what was made
    since the last time every `COLLECT_EVERY` lines, for the odd cycle such as a malformed
    line's exception, and sets the survivors aside with `gc.freeze`); when the batch ends they
    are handed back and the collector comes back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()  # what exists now (the protocol, the tables so far) is never walked
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def request_lines(source: Iterable[bytes]) -> Iterator[bytes]:
    """The non-blank lines a text reader would give: "\n", "\r\n" and "\r" all end a line."""
    for line in source:
        if b"\r" in line:
            yield from (part for part in UNIVERSAL_NEWLINE.split(line) if part.strip())
        elif line.strip():
            yield line


def write_lines(
    source: Iterable[bytes], line_out: Callable[[bytes], bytes], out: IO[bytes]
) -> None:
    """The batch loop, the same for `amana check --batch` and its floor: each request line of
    `source` through `line_out` (which gives the output line, newline included) to `out`, with
    the cycle collector paused."""
    write = out.write
    every = COLLECT_EVERY
    with paused_gc():
        for count, line in enumerate(request_lines(source), 1):
            write(line_out(line))
            if count % every == 0:
                gc.collect(1)
                gc.freeze()
    out.flush()


def run_floor(decision_json: str, source: BinaryIO, out: BinaryIO) -> None:
    """`amana bench`'s floor process: `check --batch` without deciding, the same loop, reading
    and writing."""
    decision = msgspec.json.decode(decision_json)
    write_lines(source, lambda line: floor_line(line, decision) + b"\n", out)
