"""The errors every write path raises: bad input naming the field, a refused action, and a
change made by someone else since the record was opened. Pages and the API answer them in
one place each (`amana.core.web`, `amana.core.api`)."""

from __future__ import annotations


class ActionError(Exception):
    """Bad input to an action. `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotAllowed(Exception):
    """The actor lacks the permission for this action."""


class EditConflict(Exception):
    """Someone saved the record after this user opened it; nothing was overwritten."""

    def __init__(self, changed_by: str, changed_fields: list[str], at: str) -> None:
        super().__init__(f"changed by {changed_by} at {at}: {', '.join(changed_fields)}")
        self.changed_by = changed_by
        self.changed_fields = changed_fields
        self.at = at
