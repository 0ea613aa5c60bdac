"""Signals of the lowest layer, for the apps above it to hook into without core importing
them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `amana serve` just before it starts serving. A receiver may return a line for the
# console (or ""): the jobs app starts its in-process scheduler on SQLite.
serving = Signal()
