"""`amana seed --cases N --seed S [--batch 5000] [--caseload 400]`: synthetic cases, in bulk.

One progress line per batch and a final line with the rate. Bad arguments: one line on standard
error and exit status 2. Refuses to run in production.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amana.ops.seed import DEFAULT_BATCH, DEFAULT_CASELOAD, run_seed

MAX_CASES = 100_000_000
MAX_BATCH = 100_000


def _fail(message: str) -> NoReturn:
    raise CommandError(message, returncode=2)


def _whole(name: str, raw: str | None, low: int, high: int) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        _fail(f"--{name}: expected a whole number, got {raw!r}")
    if not low <= value <= high:
        _fail(f"--{name}: expected {low} to {high:,}, got {value}")
    return value


class Command(BaseCommand):
    help = "Generate realistic synthetic multi-agency cases (deterministic for a seed)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def one_line_error(message: str) -> NoReturn:
            if getattr(self, "_called_from_command_line", False):
                # Parsing comes before Django's own CommandError handler: print it the same way.
                sys.stderr.write(f"CommandError: {message}\n")
                raise SystemExit(2)
            _fail(message)

        parser.error = one_line_error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", help="how many cases to create (required)")
        parser.add_argument("--seed", default="1", help="random seed (1)")
        parser.add_argument("--batch", default=str(DEFAULT_BATCH), help="cases per transaction")
        parser.add_argument(
            "--caseload",
            default=str(DEFAULT_CASELOAD),
            help="cases per seeded caseworker; decides how many are created (400)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] is None:
            _fail("--cases is required, e.g. amana seed --cases 1000 --seed 1")
        cases = _whole("cases", options["cases"], 1, MAX_CASES)
        seed = _whole("seed", options["seed"], 0, 2**63 - 1)
        batch = _whole("batch", options["batch"], 1, MAX_BATCH)
        caseload = _whole("caseload", options["caseload"], 1, MAX_CASES)
        if settings.AMANA_ENV == "production":
            _fail("refusing to seed synthetic cases into a production database")
        run_seed(cases=cases, seed=seed, batch=batch, caseload=caseload, report=self.stdout.write)
