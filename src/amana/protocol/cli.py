"""`amana check`: decide sharing requests against a protocol file. No database, no Django.

    amana check --protocol PROTOCOL.yaml REQUEST.json
    amana check --protocol PROTOCOL.yaml -              (request on stdin)
    amana check --protocol PROTOCOL.yaml --batch REQUESTS.jsonl

Exit 0 whenever a decision was made; 2 with one line on stderr for a malformed protocol or
request. In batch mode a malformed line gives {"error": "..."} on its output line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, NoReturn

from amana.protocol.engine import evaluate
from amana.protocol.loading import load_protocol, parse_request_json
from amana.protocol.model import Protocol
from amana.protocol.reader import ContractError
from amana.protocol.texts import LANGUAGES

# One encoder for every batch line: compact, UTF-8 text kept as is.
encode_line = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


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


def _open(name: str) -> IO[str]:
    if name == "-":
        return sys.stdin
    try:
        return open(name, encoding="utf-8")
    except OSError as exc:
        raise ContractError(f"{name}: cannot read ({exc.strerror})") from None


def decide_line(protocol: Protocol, line: str, language: str) -> str:
    try:
        request = parse_request_json(line)
    except ContractError as exc:
        return encode_line({"error": str(exc)})
    return encode_line(evaluate(protocol, request).to_dict(language))


def run_batch(protocol: Protocol, lines: Iterable[str], out: IO[str], language: str) -> None:
    write = out.write
    for line in lines:
        if line.strip():
            write(decide_line(protocol, line, language) + "\n")


CHUNK_LINES = 2000
_worker: tuple[Protocol, str] | None = None


def _start_worker(protocol: Protocol, language: str) -> None:
    global _worker  # noqa: PLW0603 - one protocol per worker process, loaded once
    _worker = (protocol, language)


def _decide_chunk(chunk: list[str]) -> str:
    assert _worker is not None
    protocol, language = _worker
    return "".join(decide_line(protocol, line, language) + "\n" for line in chunk if line.strip())


def _chunks(lines: Iterable[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_parallel_batch(
    protocol: Protocol, lines: Iterable[str], out: IO[str], language: str, jobs: int
) -> None:
    """The same output as `run_batch`, in the same order, decided by `jobs` processes."""
    import multiprocessing

    # forkserver: workers start from a clean process, never a fork of a threaded one.
    context = multiprocessing.get_context("forkserver")
    with context.Pool(jobs, initializer=_start_worker, initargs=(protocol, language)) as pool:
        for text in pool.imap(_decide_chunk, _chunks(lines)):
            out.write(text)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        protocol = load_protocol(args.protocol)
        source = _open(args.request)
        with source:
            if args.batch and args.jobs > 1:
                run_parallel_batch(protocol, source, sys.stdout, args.lang, args.jobs)
                return 0
            if args.batch:
                run_batch(protocol, source, sys.stdout, args.lang)
                return 0
            request = parse_request_json(source.read())
    except ContractError as exc:
        print(f"amana check: {exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print("amana check: the request is not UTF-8 text", file=sys.stderr)
        return 2
    decision = evaluate(protocol, request).to_dict(args.lang)
    sys.stdout.write(json.dumps(decision, ensure_ascii=False, indent=2) + "\n")
    return 0
