"""`amana check`: decide sharing requests against a protocol file. No database, no Django.

    amana check --protocol PROTOCOL.yaml REQUEST.json
    amana check --protocol PROTOCOL.yaml -              (request on stdin)
    amana check --protocol PROTOCOL.yaml --batch REQUESTS.jsonl

Exit 0 whenever a decision was made; 2 with one line on stderr for a malformed protocol or
request. In batch mode a malformed line gives {"error": "..."} on its output line.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from typing import IO, Any, NoReturn, cast

from amana.protocol.engine import evaluate
from amana.protocol.fast.batch import decider
from amana.protocol.fast.wire import request_lines, write_lines
from amana.protocol.loading import load_protocol, parse_request_json
from amana.protocol.model import Protocol
from amana.protocol.reader import ContractError
from amana.protocol.texts import LANGUAGES


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"amana check: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="amana check", description="Decide sharing requests against a protocol.")
    parser.add_argument("--protocol", required=True, help="protocol file (YAML or JSON)")
    parser.add_argument("--batch", action="store_true", help="JSON Lines in, JSON Lines out")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the texts")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="batch only: processes deciding in parallel (order kept)",
    )
    parser.add_argument("request", nargs="?", default="-", help="request file, or - for stdin")
    return parser


def _open(name: str, binary: bool) -> IO[Any]:
    if name == "-":
        return _binary(sys.stdin) if binary else sys.stdin
    try:
        return open(name, "rb") if binary else open(name, encoding="utf-8")
    except OSError as exc:
        raise ContractError(f"{name}: cannot read ({exc.strerror})") from None


def decide_line(protocol: Protocol, line: bytes, language: str) -> bytes:
    """One JSON line in, one out (without its newline); b"" for a line that is only blank."""
    return decider(protocol, language).line(line)[:-1]


def run_batch(protocol: Protocol, source: IO[bytes], out: IO[bytes], language: str) -> None:
    write_lines(source, decider(protocol, language).line, out)


CHUNK_LINES = 2000
_worker: tuple[Protocol, str] | None = None


def _start_worker(protocol: Protocol, language: str) -> None:
    global _worker  # noqa: PLW0603 - one protocol per worker process, loaded once
    _worker = (protocol, language)


def _decide_chunk(chunk: list[bytes]) -> bytes:
    assert _worker is not None
    protocol, language = _worker
    return b"".join(map(decider(protocol, language).line, chunk))


def _chunks(lines: Iterable[bytes]) -> Iterator[list[bytes]]:
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_parallel_batch(
    protocol: Protocol, source: IO[bytes], out: IO[bytes], language: str, jobs: int
) -> None:
    """The same output as `run_batch`, in the same order, decided by `jobs` processes. At most
    two chunks per process wait at a time, so a long input is never held in memory whole; a
    worker that stops abruptly raises `BrokenProcessPool` (never a silent wait)."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    # forkserver: workers start from a clean process, never a fork of a threaded one.
    context = multiprocessing.get_context("forkserver")
    pending: deque[Future[bytes]] = deque()
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(protocol, language)
    ) as pool:
        for chunk in _chunks(request_lines(source)):
            pending.append(pool.submit(_decide_chunk, chunk))
            if len(pending) > 2 * jobs:
                out.write(pending.popleft().result())
        while pending:
            out.write(pending.popleft().result())
    out.flush()


def _binary(stream: IO[str]) -> IO[bytes]:
    """The bytes under a text stream (a test's StringIO has none: encode it)."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        return cast(IO[bytes], buffer)
    return io.BytesIO(stream.read().encode("utf-8"))


def _binary_out() -> IO[bytes]:
    sys.stdout.flush()
    return sys.stdout.buffer


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        protocol = load_protocol(args.protocol)
        source = _open(args.request, binary=args.batch)
        with source:
            if args.batch and args.jobs > 1:
                run_parallel_batch(protocol, source, _binary_out(), args.lang, args.jobs)
                return 0
            if args.batch:
                run_batch(protocol, source, _binary_out(), args.lang)
                return 0
            request = parse_request_json(source.read())
    except ContractError as exc:
        print(f"amana check: {exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print("amana check: the request is not UTF-8 text", file=sys.stderr)
        return 2
    except BrokenProcessPool:
        print("amana check: a worker process stopped unexpectedly; run again", file=sys.stderr)
        return 1
    decision = evaluate(protocol, request).to_dict(args.lang)
    sys.stdout.write(json.dumps(decision, ensure_ascii=False, indent=2) + "\n")
    return 0
