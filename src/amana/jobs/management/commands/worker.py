"""`amana worker`: run background jobs and schedule the periodic ones (PostgreSQL only).

Several workers may run at once, on one host or several: each job is taken by one worker,
and each periodic run is enqueued once whichever worker's deferrer gets there first.
SIGTERM or SIGINT (Ctrl-C) stops it cleanly: no new job is taken, the running ones get
GRACE_SECONDS to finish (then they are aborted and retried later), and the command exits 0.
On SQLite there is no queue to work on: the command refuses (exit 2), since there the web
process runs the jobs itself.
"""

from __future__ import annotations

import logging
from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector

from amana.jobs.queue import in_process
from amana.jobs.registry import periodic_jobs

GRACE_SECONDS = 30.0


def _positive(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise ArgumentTypeError(f"expected a whole number, at least 1, got {raw!r}")
    return int(raw)


class Command(BaseCommand):
    help = "Run background jobs and schedule the periodic ones (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency",
            type=_positive,
            default=1,
            help="jobs run at the same time by this worker (default 1)",
        )
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            metavar="NAME",
            help="work on this queue only (repeatable; default: every queue)",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="run the jobs waiting now, then exit (default: run until stopped)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if in_process():
            raise CommandError(
                "the worker needs PostgreSQL: on SQLite the jobs run in-process "
                "(`amana serve` runs them)",
                returncode=2,
            )
        if options["verbosity"] >= 2:
            logging.getLogger("procrastinate").setLevel(logging.INFO)
        schedules = ", ".join(f"{job.name} ({job.cron})" for job in periodic_jobs()) or "none"
        self.stdout.write(f"amana worker: started; periodic jobs: {schedules}")
        self.stdout.flush()
        connector = app.connector
        assert isinstance(connector, DjangoConnector)
        # The Django connector writes jobs in the caller's transaction; a worker needs its
        # own async connections (and LISTEN/NOTIFY), on the same database.
        with app.replace_connector(connector.get_worker_connector()):
            app.run_worker(
                concurrency=options["concurrency"],
                queues=options["queues"],
                wait=not options["once"],
                shutdown_graceful_timeout=GRACE_SECONDS,
                install_signal_handlers=True,
            )
        self.stdout.write("amana worker: stopped")
        self.stdout.flush()
