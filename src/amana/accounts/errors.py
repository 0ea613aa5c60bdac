"""The write paths' errors live in `amana.core.errors`; named here for the account code."""

from __future__ import annotations

from amana.core.errors import ActionError, EditConflict, NotAllowed

__all__ = ["ActionError", "EditConflict", "NotAllowed"]
