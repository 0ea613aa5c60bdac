"""A known password for the seeded staff, so simulated staff can log in (`amana bench load`).

Seeded staff have unusable passwords. For a load run they all get one password, hashed once
with the production hasher (PBKDF2, as configured): every log-in still costs what a real one
costs, but setting it for hundreds of accounts costs one hash. Refused in production, like
the seed itself.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from amana.accounts.models import User
from amana.audit.log import write_entry

SEEDED_PREFIX = "seed-"


def give_seeded_staff_a_password(password: str) -> int:
    """Set `password` on every seeded account; return how many."""
    if settings.AMANA_ENV == "production":
        raise RuntimeError("refusing to set a shared password on a production database")
    encoded = make_password(password)
    with transaction.atomic():
        count = User.objects.filter(username__startswith=SEEDED_PREFIX).update(
            password=encoded, must_change_password=False
        )
        write_entry(
            actor=None,
            action="seed.staff_password",
            object_type="user",
            origin="cli",
            details={"accounts": count},
        )
    return count
