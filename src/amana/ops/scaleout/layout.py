"""Where a scale-out keeps its parts, and what it records about them (DIR/state.json)."""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amana.ops.scaleout.postgres import Server

DEFAULT_DIR = Path("/tmp/amana-scaleout")  # noqa: S108 - a loopback tool's working directory
# The caller's settings are not passed on: the scale-out's processes get exactly its own.
NOT_INHERITED = ("DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS")
NOT_INHERITED_PREFIXES = ("AMANA_", "DJANGO_", "PG")


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def pg(self) -> Path:
        return self.root / "pg"

    @property
    def var(self) -> Path:
        return self.root / "var"

    @property
    def nginx(self) -> Path:
        return self.root / "nginx"

    @property
    def access_log(self) -> Path:
        return self.logs / "access.log"

    @property
    def supervisor_pid(self) -> Path:
        return self.run / "supervisor.pid"

    def server(self, name: str, port: int, primary_port: int = 0) -> Server:
        return Server(name, self.pg / name, port, self.pg, self.pg / f"{name}.log", primary_port)

    def read_state(self) -> dict[str, Any] | None:
        try:
            state: dict[str, Any] = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None
        return state

    def write_state(self, state: dict[str, Any]) -> None:
        self.state_file.write_text(json.dumps(state, indent=2) + "\n")

    def pid_of(self, name: str) -> int | None:
        try:
            return int((self.run / f"{name}.pid").read_text().strip())
        except (OSError, ValueError):
            return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def clean_environ(environ: dict[str, str] | None = None) -> dict[str, str]:
    source = dict(os.environ if environ is None else environ)
    return {
        key: value
        for key, value in source.items()
        if key not in NOT_INHERITED and not key.startswith(NOT_INHERITED_PREFIXES)
    }


def amana_argv(*args: str) -> list[str]:
    """The `amana` command with this interpreter (the same virtualenv as the caller)."""
    return [sys.executable, "-m", "amana.cli", *args]


def worker_available() -> bool:
    """Whether this Amana has the job worker (`amana worker`): its management command."""
    import amana

    package = Path(amana.__file__).parent
    return any(package.glob("*/management/commands/worker.py"))
