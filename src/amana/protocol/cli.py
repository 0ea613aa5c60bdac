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
from collections.abc import Iterable
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


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        protocol = load_protocol(args.protocol)
        source = _open(args.request)
        with source:
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
