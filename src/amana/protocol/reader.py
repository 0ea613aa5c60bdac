"""Typed reading of parsed JSON/YAML with errors that name the key path and the problem."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any


class ContractError(ValueError):
    """Input does not match the contract. The message starts with the key path."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Node:
    """A value at a key path, with typed accessors."""

    __slots__ = ("path", "value")

    def __init__(self, value: object, path: str) -> None:
        self.value = value
        self.path = path

    def fail(self, expected: str) -> ContractError:
        where = self.path or "document"
        return ContractError(f"{where}: expected {expected}, got {_shown(self.value)}")

    def child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def mapping(self) -> Mapping[str, Any]:
        if not isinstance(self.value, Mapping):
            raise self.fail("an object")
        return self.value

    def get(self, key: str) -> Node:
        return Node(self.mapping().get(key), self.child_path(key))

    def require(self, key: str) -> Node:
        data = self.mapping()
        if key not in data or data[key] is None:
            raise ContractError(f"{self.child_path(key)}: required")
        return Node(data[key], self.child_path(key))

    def is_missing(self) -> bool:
        return self.value is None

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.fail("a non-empty string")
        return self.value

    def optional_text(self) -> str | None:
        return None if self.value is None else self.text()

    def boolean(self, default: bool) -> bool:
        if self.value is None:
            return default
        if not isinstance(self.value, bool):
            raise self.fail("true or false")
        return self.value

    def integer(self, default: int | None = None, minimum: int = 0) -> int:
        if self.value is None and default is not None:
            return default
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail("a whole number")
        if self.value < minimum:
            raise self.fail(f"a whole number of at least {minimum}")
        return self.value

    def day(self) -> date:
        value = self.value
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail("a date like 2026-03-01")

    def optional_day(self) -> date | None:
        return None if self.value is None else self.day()

    def choice(self, allowed: tuple[str, ...]) -> str:
        if self.value not in allowed:
            raise self.fail("one of " + ", ".join(allowed))
        return str(self.value)

    def optional_choice(self, allowed: tuple[str, ...], default: str | None) -> str | None:
        return default if self.value is None else self.choice(allowed)

    def items(self) -> Iterator[Node]:
        if not isinstance(self.value, list):
            raise self.fail("a list")
        for index, item in enumerate(self.value):
            yield Node(item, self.child_path(index))

    def optional_items(self) -> Iterator[Node]:
        if self.value is None:
            return iter(())
        return self.items()

    def strings(self) -> tuple[str, ...]:
        return tuple(item.text() for item in self.items())

    def optional_strings(self) -> tuple[str, ...] | None:
        return None if self.value is None else self.strings()

    def entries(self) -> Iterator[tuple[str, Node]]:
        for key, value in self.mapping().items():
            yield str(key), Node(value, self.child_path(str(key)))
