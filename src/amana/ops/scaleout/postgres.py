"""The PostgreSQL primary and its streaming replica, on loopback, under the scale-out directory.

The primary is a fresh cluster (`initdb`, trust on loopback only, as `./dev test` does); the
replica is a `pg_basebackup -R` of it that streams its WAL and answers read-only queries (hot
standby). As root, every PostgreSQL program runs as the `postgres` OS user (they refuse root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

# Two roles, as in production (docs/adr/0008-two-database-roles.md): the owner migrates, the
# app processes connect as a role that owns nothing. Loopback only: the cluster trusts
# 127.0.0.1 and nothing else, the passwords are there for the URLs' sake.
APP_ROLE = "amana"
APP_PASSWORD = "amana"  # noqa: S105
OWNER_ROLE = "amana_owner"
OWNER_PASSWORD = "amana_owner"  # noqa: S105
DATABASE = "amana"
PG_OS_USER = "postgres"
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "200",
    "shared_buffers": "256MB",
    "wal_level": "replica",
    "max_wal_senders": "5",
    "wal_keep_size": "512MB",
    "hot_standby": "on",
}


class ScaleOutError(Exception):
    """Something the operator must fix; the message says what."""


def pg_bindir() -> Path:
    """`AMANA_PG_BINDIR`, else the newest /usr/lib/postgresql/*/bin holding initdb."""
    configured = os.environ.get("AMANA_PG_BINDIR", "").strip()
    candidates = [Path(configured)] if configured else []
    found = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)[
        ::-1
    ]
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_basebackup").is_file():
            return bindir
    raise ScaleOutError(
        "PostgreSQL server binaries not found (initdb, pg_basebackup): install the "
        "postgresql package or set AMANA_PG_BINDIR"
    )


def _as_root() -> bool:
    return os.geteuid() == 0


def give_to_pg_user(path: Path) -> None:
    """As root, the postgres OS user must own the directories its servers write."""
    if _as_root():
        entry = pwd.getpwnam(PG_OS_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def run_pg(command: list[str], log: Path | None = None) -> None:
    """Run a PostgreSQL program, as the postgres OS user when we are root."""
    argv = ["runuser", "-u", PG_OS_USER, "--", *command] if _as_root() else command
    out = log.open("ab") if log else subprocess.DEVNULL
    try:
        done = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    finally:
        if log:
            out.close()  # type: ignore[union-attr]
    if done.returncode != 0:
        where = f" (see {log})" if log else ""
        raise ScaleOutError(f"{Path(command[0]).name} failed with status {done.returncode}{where}")


@dataclass(frozen=True)
class Server:
    """One PostgreSQL server of the scale-out: its data directory and port."""

    name: str
    data: Path
    port: int
    socket_dir: Path
    log: Path
    primary_port: int = 0  # a replica: the port of the primary it streams from

    def options(self) -> str:
        settings = {**SERVER_SETTINGS, "port": str(self.port)}
        settings["unix_socket_directories"] = f"'{self.socket_dir}'"
        if self.primary_port:  # wins over the one pg_basebackup -R wrote: ports change
            conninfo = f"host=127.0.0.1 port={self.primary_port} user=postgres"
            settings["primary_conninfo"] = f"'{conninfo}'"
        return " ".join(f"-c {key}={value}" for key, value in settings.items())

    def start(self, bindir: Path) -> None:
        run_pg(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "60",
                "-o",
                self.options(),
                "start",
            ],
            self.log,
        )

    def stop(self, bindir: Path) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        run_pg(
            [str(bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop"],
            self.log,
        )

    def running(self) -> bool:
        pidfile = self.data / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return False
        return pid_alive(pid)

    def url(self, *, superuser: bool = False, owner: bool = False) -> str:
        if superuser:
            return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        role, password = (OWNER_ROLE, OWNER_PASSWORD) if owner else (APP_ROLE, APP_PASSWORD)
        return f"postgresql://{role}:{password}@127.0.0.1:{self.port}/{DATABASE}"


def pid_alive(pid: int) -> bool:
    """Whether the process runs (an exited one nobody has reaped yet does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def init_primary(bindir: Path, primary: Server) -> None:
    """A new cluster, started, with the owner and application roles and the database."""
    run_pg(
        [
            str(bindir / "initdb"),
            "-D",
            str(primary.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-instructions",
        ],
        primary.log,
    )
    primary.start(bindir)
    sql(
        primary,
        f"CREATE ROLE {OWNER_ROLE} LOGIN PASSWORD '{OWNER_PASSWORD}' NOSUPERUSER NOCREATEROLE",
        f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}' NOSUPERUSER NOCREATEROLE",
        f"CREATE DATABASE {DATABASE} OWNER {OWNER_ROLE}",
    )


def init_replica(bindir: Path, primary: Server, replica: Server) -> None:
    """A base backup of the running primary, set up to stream from it (`-R`)."""
    run_pg(
        [
            str(bindir / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(replica.data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        ],
        replica.log,
    )


def sql(server: Server, *statements: str) -> list[tuple[object, ...]]:
    """Run statements as the superuser (autocommit); the rows of the last one."""
    import psycopg

    rows: list[tuple[object, ...]] = []
    with psycopg.connect(server.url(superuser=True), autocommit=True, connect_timeout=5) as conn:
        for statement in statements:
            cursor = conn.execute(statement)
            rows = cursor.fetchall() if cursor.description else []
    return rows


def replication_state(primary: Server) -> list[dict[str, object]]:
    """What the primary says of its standbys: state ('streaming') and replay lag in bytes."""
    rows = sql(
        primary,
        "SELECT application_name, state, "
        "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint FROM pg_stat_replication",
    )
    return [{"name": r[0], "state": r[1], "replay_lag_bytes": r[2]} for r in rows]


def wait_streaming(primary: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(row["state"] == "streaming" for row in replication_state(primary)):
            return
        time.sleep(0.2)
    raise ScaleOutError(f"the replica is not streaming after {timeout:.0f} s")


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
