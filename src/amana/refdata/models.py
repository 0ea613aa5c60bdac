"""Reference data: the location hierarchy and the lookup lists (protection concerns,
nationalities, services …) that cases and forms refer to by code. Imported from CSV/HXL
(`imports.py`, `amana import_data`).

The models were in `cases` before; their tables keep the `cases_` names.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Location(models.Model):
    """One place in the location hierarchy (country → region → district → camp …)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        db_table = "cases_location"  # the table the model had in `cases`, kept
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name


class Lookup(models.Model):
    """A value of a lookup list: protection concerns, nationalities, services …"""

    kind = models.CharField(_("list"), max_length=64)
    code = models.CharField(_("code"), max_length=64)
    label = models.CharField(_("label"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "cases_lookup"  # the table the model had in `cases`, kept
        ordering = ["kind", "label"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="unique_lookup")]

    def __str__(self) -> str:
        return self.label
