"""Errors raised by the accounts write path."""

from __future__ import annotations


class ActionError(Exception):
    """Bad input to an action. `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotAllowed(Exception):
    """The actor lacks the permission for this action."""
