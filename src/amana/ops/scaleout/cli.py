"""The command line of `amana scaleout` (Django-free: `amana.cli` runs it directly)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from amana.ops.scaleout.control import start, status, stop
from amana.ops.scaleout.layout import DEFAULT_DIR
from amana.ops.scaleout.postgres import ScaleOutError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amana scaleout", description="Amana scaled out on loopback (docs/deployment.md)."
    )
    parser.add_argument("action", choices=("start", "status", "stop"))
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"({DEFAULT_DIR})")
    parser.add_argument("--apps", type=int, default=2, help="start: app processes (2)")
    parser.add_argument("--threads", type=int, default=8, help="start: threads per app (8)")
    parser.add_argument("--proxy-port", type=int, default=0, help="start: (a free port)")
    parser.add_argument(
        "--no-install", action="store_true", help="start: never apt-get install nginx"
    )
    parser.add_argument(
        "--keep-data", action="store_true", help="stop: keep the database clusters and their keys"
    )
    return parser


def main(argv: list[str]) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not 1 <= args.apps <= 16 or not 1 <= args.threads <= 64:
        print("amana scaleout: --apps 1 to 16, --threads 1 to 64", file=sys.stderr)
        return 2
    root = args.dir.resolve()

    def say(message: str) -> None:
        print(f"scaleout: {message}", flush=True)

    try:
        if args.action == "start":
            state = start(
                root,
                apps=args.apps,
                threads=args.threads,
                proxy_port=args.proxy_port,
                install=not args.no_install,
                say=say,
            )
            say(f"running; `amana scaleout status --dir {root}`, `... stop --dir {root}`")
            say(f"proxy http://127.0.0.1:{state['proxy_port']}/")
            return 0
        if args.action == "status":
            print(json.dumps(status(root), indent=2, default=str))
            return 0
        leftovers = stop(root, keep_data=args.keep_data, say=say)
    except ScaleOutError as exc:
        print(f"amana scaleout: {exc}", file=sys.stderr)
        return 2
    if leftovers:
        print(f"amana scaleout: processes still alive: {leftovers}", file=sys.stderr)
        return 1
    say("stopped" + (", databases kept" if args.keep_data else ", directory removed"))
    return 0
