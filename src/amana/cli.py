"""`amana`: the one entry point for operators.

`amana check` and `amana bench decisions` never import Django: an auditor can run them on a
protocol file alone, and bulk evaluation does not pay for the web framework. Every other
command runs as a Django management command with Amana's settings.
"""

from __future__ import annotations

import os
import sys

DJANGO_FREE = {"check": "amana.protocol.cli", "scaleout": "amana.ops.scaleout.cli"}
USAGE = """usage: amana COMMAND [ARGS]

  serve [--host H] [--port P]   run the web app (waitress)
  worker [--concurrency N]      run background and periodic jobs (PostgreSQL)
  migrate                       create or update the database
  demo                          load the demo agencies, users and data (idempotent)
  audit verify|seal             check the audit chain / seal pending entries
  backup FILE                   back up the database to a new FILE (keys are not in it)
  restore FILE                  restore a backup into an empty database
  keys generate|rotate|status   new field key / re-encrypt under the active key / inventory
  names reindex|status          recompute name tokens after the name rules change / progress
  import_data lookups FILE --kind KIND | locations FILE
                                import lookup lists and the location hierarchy (CSV, HXL)
  seed --cases N --seed S       synthetic multi-agency cases for benchmarks
  protocol load FILE | list     store a protocol version / list stored protocols
  check --protocol FILE REQ     decide one sharing request (no database needed)
  bench audit|cases|referrals|decisions|load
                                benchmarks (JSON on stdout)
  scaleout start|status|stop    primary + replica, 2 app processes, proxy, worker on loopback
  manage ARGS...                any Django management command
"""


def _fail(message: str) -> int:
    print(f"amana: {message}", file=sys.stderr)
    return 2


# Commands that read or write data: each first checks the field keys against the data
# (`amana.crypto.keycheck`). `keys status` reports instead of refusing; `keys generate`,
# `makemigrations` and `check` touch no data.
DATA_COMMANDS = frozenset(
    {"serve", "runserver", "migrate", "demo", "seed", "bench", "import_data", "protocol"}
    | {"referrals", "audit", "shell", "loaddata", "dumpdata", "worker", "names"}
)


def _touches_data(argv: list[str]) -> bool:
    if not argv:
        return False
    if argv[0] == "keys":
        return len(argv) > 1 and argv[1] == "rotate"
    return argv[0] in DATA_COMMANDS


# Commands that change the schema or rewrite what the app role may not: they connect as the owner
# role (AMANA_MIGRATE_DATABASE_URL) on PostgreSQL; every other command as the app role.
OWNER_COMMANDS = frozenset({"migrate", "restore", "flush"})


def _runs_as_owner(argv: list[str]) -> bool:
    if not argv:
        return False
    if argv[0] == "keys":
        return len(argv) > 1 and argv[1] == "rotate"
    return argv[0] in OWNER_COMMANDS


def _keys_match_data() -> str | None:
    import django

    django.setup()
    from amana.crypto.keycheck import KeyMismatch, ensure_keys_match_data

    try:
        ensure_keys_match_data()
    except KeyMismatch as exc:
        return str(exc)
    return None


def _run_django(argv: list[str]) -> int:
    from amana.config import ConfigError, connect_as_owner, load

    if _runs_as_owner(argv):
        connect_as_owner()
    try:
        load()
    except ConfigError as exc:
        return _fail(str(exc))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amana.settings")
    from django.core.management import execute_from_command_line

    if _touches_data(argv):
        problem = _keys_match_data()
        if problem:
            return _fail(problem)

    try:
        execute_from_command_line(["amana", *argv])
    except KeyboardInterrupt:
        return 130
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command = args[0]
    if command in DJANGO_FREE:
        from importlib import import_module

        module = import_module(DJANGO_FREE[command])
        return int(module.main(args[1:]))
    if command == "bench" and len(args) > 1 and args[1] == "decisions":
        from amana.protocol.bench import main as bench_decisions

        return int(bench_decisions(args[2:]))
    if command == "bench" and len(args) > 1 and args[1] == "load":
        # The scale-out first (no Django), then `bench load` inside it (amana.ops.bench.load).
        from importlib import import_module

        outer = import_module("amana.ops.bench.load.outer")
        return int(outer.main(args[2:], _run_django))
    if command == "manage":
        return _run_django(args[1:])
    return _run_django(args)


if __name__ == "__main__":
    sys.exit(main())
