"""`amana bench load`, before Django: the scale-out up, this process pointed at it, the
`load` target of `amana bench` run, the scale-out stopped (no Django imported here)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from amana.ops.scaleout.control import start, stop
from amana.ops.scaleout.layout import NOT_INHERITED, NOT_INHERITED_PREFIXES, Layout
from amana.ops.scaleout.postgres import ScaleOutError

DEFAULT_DIR = Path("/tmp/amana-bench-load")  # noqa: S108 - a loopback tool's directory


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="amana bench load", add_help=False)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--keep", action="store_true", help="leave the scale-out running")
    parser.add_argument(
        "--reuse", action="store_true", help="use the scale-out already running in --dir"
    )
    return parser


def _point_at(layout: Layout) -> None:
    """This process's settings become the scale-out's (the caller's own are dropped)."""
    state = layout.read_state() or {}
    for key in list(os.environ):
        if key in NOT_INHERITED or key.startswith(NOT_INHERITED_PREFIXES):
            del os.environ[key]
    os.environ.update(state.get("env", {}))


def main(argv: list[str], run_django: Callable[[list[str]], int]) -> int:
    known, rest = _parser().parse_known_args(argv)
    root = known.dir.resolve()
    layout = Layout(root)

    def say(message: str) -> None:
        print(f"bench load: {message}", file=sys.stderr, flush=True)

    try:
        if known.reuse:
            if layout.read_state() is None:
                raise ScaleOutError(f"no scale-out running in {root}")
        else:
            start(root, say=say)
    except ScaleOutError as exc:
        print(f"amana bench load: {exc}", file=sys.stderr)
        return 2
    try:
        _point_at(layout)
        return run_django(["bench", "load", *rest])
    finally:
        if not (known.keep or known.reuse):
            say("stopping the scale-out")
            stop(root)
