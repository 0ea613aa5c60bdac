"""Memo keys made of one shared copy of each text.

Every request line is decoded into new string objects. A memo kept the strings of the request
that first met a key, scattered in memory; comparing a later request's key with it then reads
them again. Keys are stored with interned texts instead (`sys.intern`: one object per distinct
text, shared by every key and soon in the processor's caches). Only what is stored changes:
look-ups and results are the same.
"""

from __future__ import annotations

from sys import intern
from typing import Any, TypeVar, cast

T = TypeVar("T")
K = TypeVar("K", bound=tuple[Any, ...])


def text(value: T) -> T:
    """The shared copy of a text; anything else as it is."""
    if isinstance(value, str):
        return cast(T, intern(value))
    return value


def key(values: K) -> K:
    """A memo key with shared copies of its texts."""
    return cast(K, tuple(map(text, values)))
