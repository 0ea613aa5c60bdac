"""`amana demo`: load the demo operation and print its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amana.ops.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo agencies and users (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            roles = ", ".join(login.roles)
            self.stdout.write(f"  {login.username:<14} {roles:<16} {login.agency}")
