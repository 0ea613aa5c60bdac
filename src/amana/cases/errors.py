"""Errors of the case write path (the shared ones, named where the case code looks for them)."""

from __future__ import annotations

from amana.core.errors import ActionError, EditConflict, NotAllowed

__all__ = ["ActionError", "EditConflict", "NotAllowed"]
