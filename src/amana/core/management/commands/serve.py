"""Serve the web app with waitress: static files through WhiteNoise, no debug server."""

from __future__ import annotations

import contextlib
import signal
import sys
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


class Command(BaseCommand):
    help = "Serve Amana over HTTP (put a TLS-terminating proxy in front in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        from waitress import serve

        from amana.wsgi import application

        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"Amana is serving on http://{host}:{port}/ (Ctrl-C to stop)")
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            serve(application, host=host, port=port, threads=threads, ident="amana")
        self.stdout.write("Amana stopped.")
        sys.stdout.flush()
