"""Name search without plaintext: normalised name tokens, stored as blind indexes."""

from __future__ import annotations

from amana.crypto.cipher import normalise_for_index
from amana.crypto.keys import index_for

PURPOSE = "child-name"


def name_keys(text: str) -> list[str]:
    """The comparison keys of a name's tokens (normalised words)."""
    return [token for token in normalise_for_index(text).replace("-", " ").split() if token]


def name_tokens(text: str) -> list[str]:
    """Blind indexes of the distinct name keys, for NameToken rows and for search."""
    return sorted({index_for(PURPOSE, key) for key in name_keys(text)})
