"""Amana: child protection case management with the data-sharing protocol enforced as data."""

__version__ = "0.1.0"
