"""Serve the web app with waitress: static files through WhiteNoise, no debug server.

Behind a TLS-terminating proxy (`AMANA_TRUSTED_PROXY`), waitress believes the proxy's
X-Forwarded-Proto and X-Forwarded-For from that address only and drops them from anyone
else: the request is https and the client address is the forwarded one only when the proxy
says so. Static files are collected into var/static at start whenever the shipped ones
changed, so no page needs an operator to remember `collectstatic`.

In production it refuses to start (exit 2, one line) when its database role owns a table or
anything else it could alter the schema with: the app must connect as a role that owns nothing
(`amana.core.db_roles`).
"""

from __future__ import annotations

import contextlib
import hashlib
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connection

from amana.core.db_roles import first_line, ownership_problem
from amana.core.signals import serving

STAMP = ".amana-collected"
PROXY_HEADERS = {"x-forwarded-proto", "x-forwarded-for"}


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def static_fingerprint() -> str:
    """Names, sizes and modification times of every static file the finders know, and the
    storage backend: any change means collecting again."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = Path(storage.path(path)).stat()
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode() + b"\n")
    return digest.hexdigest()


def collect_static_if_stale() -> bool:
    """Run collectstatic into STATIC_ROOT unless it already holds these files. True if run."""
    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    fingerprint = static_fingerprint()
    if stamp.exists() and stamp.read_text().strip() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    root.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint + "\n")
    return True


def proxy_options(trusted_proxy: str) -> dict[str, Any]:
    """waitress options: believe the proxy's headers from its address only."""
    if not trusted_proxy:
        return {}
    return {
        "trusted_proxy": trusted_proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": PROXY_HEADERS,
        "clear_untrusted_proxy_headers": True,
    }


class Command(BaseCommand):
    help = "Serve Amana over HTTP (put a TLS-terminating proxy in front in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        from waitress import serve

        if settings.AMANA_ENV == "production":
            self._refuse_an_owner_role()
        # Collect first: WhiteNoise lists STATIC_ROOT when the application is built.
        if collect_static_if_stale():
            self.stdout.write(f"Collected static files into {settings.STATIC_ROOT}")
        from amana.wsgi import application

        signal.signal(signal.SIGTERM, _stop)
        proxy = proxy_options(settings.AMANA_TRUSTED_PROXY)
        if proxy:
            self.stdout.write(f"Trusting X-Forwarded-Proto/-For from {proxy['trusted_proxy']}")
        for _receiver, line in serving.send(sender=self.__class__):
            if line:
                self.stdout.write(str(line))
        self.stdout.write(f"Amana is serving on http://{host}:{port}/ (Ctrl-C to stop)")
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            serve(application, host=host, port=port, threads=threads, ident="amana", **proxy)
        self.stdout.write("Amana stopped.")
        sys.stdout.flush()

    def _refuse_an_owner_role(self) -> None:
        try:
            problem = ownership_problem(connection)
        except DatabaseError as exc:
            problem = f"cannot check the database role: {first_line(exc)}"
        finally:
            connection.close()
        if problem:
            self.stderr.write(f"amana serve: {problem}")
            raise SystemExit(2)
