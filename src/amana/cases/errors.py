"""Errors of the case write path."""

from __future__ import annotations

from amana.accounts.errors import ActionError, NotAllowed

__all__ = ["ActionError", "EditConflict", "NotAllowed"]


class EditConflict(Exception):
    """Someone saved the record after this user opened it; nothing was overwritten."""

    def __init__(self, changed_by: str, changed_fields: list[str], at: str) -> None:
        super().__init__(f"changed by {changed_by} at {at}: {', '.join(changed_fields)}")
        self.changed_by = changed_by
        self.changed_fields = changed_fields
        self.at = at
