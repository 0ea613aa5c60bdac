"""`amana manage check --deploy`: the database role of a serving process must own nothing, and
the owner role's URL belongs only to the commands that run as the owner."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.db import DatabaseError, connection

from amana.core.db_roles import first_line, ownership_problem


@register("amana", deploy=True)
def database_role_owns_nothing(**kwargs: Any) -> list[CheckMessage]:
    config = settings.CONFIG
    messages: list[CheckMessage] = []
    if config.migrate_database_url and not config.as_owner:
        messages.append(
            Warning(
                "AMANA_MIGRATE_DATABASE_URL is set for a process that does not need it.",
                hint="Give the owner role's URL only to migrate, keys rotate and restore.",
                id="amana.W001",
            )
        )
    if connection.vendor != "postgresql" or config.as_owner:
        return messages
    try:
        problem = ownership_problem(connection)
    except DatabaseError as exc:
        problem = f"cannot check the database role: {first_line(exc)}"
    if problem:
        messages.append(Error(problem, id="amana.E001"))
    return messages
