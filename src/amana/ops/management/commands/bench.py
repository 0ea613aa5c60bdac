"""`amana bench audit|cases|pages|referrals`: the benchmarks of `amana.ops.bench`, JSON on stdout.

`amana bench decisions` never gets here; `amana.cli` runs it without Django.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from amana.ops.bench.audit import bench_audit

TARGETS = ("audit", "cases", "pages", "referrals", "load")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Benchmarks (JSON on stdout). Targets: audit, cases, pages, referrals, load"
        " (`decisions` runs without Django)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="what to measure: audit, cases, pages or referrals")
        parser.add_argument(
            "--samples", type=_positive, default=200, help="cases, pages: repetitions"
        )
        parser.add_argument("--writers", type=_positive, help="threads (8; 2 on SQLite)")
        parser.add_argument("--entries", type=_positive, default=2000, help="entries in all")
        parser.add_argument(
            "--compare-unkeyed",
            action="store_true",
            help="audit: also measure the unkeyed SHA-256 chain, same writers, same run",
        )
        parser.add_argument("--n", type=_positive, default=1000, help="referrals: timed sends")
        parser.add_argument("--warmup", type=int, default=20, help="referrals: untimed sends")
        parser.add_argument("--seed", type=int, default=7, help="referrals, pages, load: the seed")
        parser.add_argument("--users", type=_positive, default=200, help="load: simulated staff")
        parser.add_argument("--duration", type=_positive, default=300, help="load: seconds")
        parser.add_argument("--ramp", type=_positive, default=120, help="load: ramp-up seconds")
        parser.add_argument("--kill-at", type=_positive, help="load: second of the -9 kill")
        parser.add_argument("--no-kill", action="store_true", help="load: kill nothing")
        parser.add_argument(
            "--cases", type=_positive, default=50_000, help="load: seeded when there are none"
        )

    def handle(self, *args: Any, target: str, **options: Any) -> None:
        if target not in TARGETS:
            self._fail(
                f"unknown target {target!r}: expected audit, cases, pages, referrals, load"
                " or decisions"
            )
        if settings.AMANA_ENV == "production":
            self._fail(
                f"bench {target} writes permanent audit entries; run it on a scratch database"
            )
        if target == "cases":
            from amana.ops.bench.cases import bench_cases

            try:
                result = bench_cases(options["samples"])
            except LookupError as exc:
                self._fail(str(exc))
            self.stdout.write(json.dumps(result, indent=2))
            return
        if target == "pages":
            from amana.ops.bench.pages import bench_pages

            try:
                result = bench_pages(options["samples"], options["seed"])
            except LookupError as exc:
                self._fail(str(exc))
            self.stdout.write(json.dumps(result, indent=2))
            return
        if target == "load":
            self._load(options)
            return
        if target == "referrals":
            from amana.ops.bench.referrals import bench_referrals

            try:
                result = bench_referrals(options["n"], max(0, options["warmup"]), options["seed"])
            except LookupError as exc:
                self._fail(str(exc))
            self.stdout.write(json.dumps(result, indent=2))
            return
        writers = options["writers"] or (8 if connection.vendor == "postgresql" else 2)
        result = bench_audit(writers, options["entries"], options["compare_unkeyed"])
        self.stdout.write(json.dumps(result, indent=2))

    def _load(self, options: dict[str, Any]) -> None:
        from amana.ops.bench.load.run import LoadOptions, bench_load

        load = LoadOptions(
            users=options["users"],
            duration=options["duration"],
            ramp=min(options["ramp"], options["duration"]),
            kill_at=options["kill_at"],
            kill=not options["no_kill"],
            cases=options["cases"],
            seed=options["seed"],
        )
        try:
            result = bench_load(load, say=self.stderr.write)
        except LookupError as exc:
            self._fail(str(exc))
        self.stdout.write(json.dumps(result, indent=2))

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(f"amana bench: {message}")
        raise SystemExit(2)
