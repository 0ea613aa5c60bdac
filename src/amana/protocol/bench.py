"""`amana bench decisions`: how fast the engine decides, against the cost of merely reading and
writing the same lines (the floor). Prints JSON. Django is never imported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from amana.protocol.cli import decide_line
from amana.protocol.fast.wire import encode, floor_line
from amana.protocol.loading import load_protocol
from amana.protocol.model import Protocol

# The floor process: the same start-up imports, reading and writing as `amana check --batch`
# (fast/wire.py: the same decoder and encoder), without loading a protocol or deciding.
FLOOR_SCRIPT = (
    "import sys\n"
    "from amana.protocol.fast.wire import run_floor\n"
    "run_floor(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer)\n"
)


def demo_protocol_path() -> Path:
    return Path(str(resources.files("amana.protocol").joinpath("data/demo.protocol.yaml")))


def _requests(protocol: Protocol, n: int, seed: int) -> list[bytes]:
    from amana.protocol.generate import make_request

    rng = random.Random(seed)
    return [json.dumps(make_request(rng, protocol)).encode() for _ in range(n)]


def typical_decision(protocol: Protocol, lines: list[bytes]) -> dict[str, Any]:
    """The floor writes this for every line: a real decision of median size from the sample."""
    outputs = sorted((decide_line(protocol, line, "en") for line in lines[:1000]), key=len)
    typical: dict[str, Any] = json.loads(outputs[len(outputs) // 2])
    return typical


def _in_process(
    protocol: Protocol, lines: list[bytes], typical: dict[str, Any]
) -> dict[str, float]:
    started = time.perf_counter()
    for line in lines:
        decide_line(protocol, line, "en")
    engine = time.perf_counter() - started
    started = time.perf_counter()
    for line in lines:
        floor_line(line, typical)
    floor = time.perf_counter() - started
    return {"engine_s": engine, "floor_s": floor}


def _latencies_ms(protocol: Protocol, lines: list[bytes]) -> dict[str, float]:
    clock = time.perf_counter_ns
    samples = []
    for line in lines:
        start = clock()
        decide_line(protocol, line, "en")
        samples.append((clock() - start) / 1e6)
    cuts = statistics.quantiles(samples, n=100)
    return {"p50": round(cuts[49], 4), "p99": round(cuts[98], 4)}


def _timed(argv: list[str], stdin_path: Path) -> float:
    with stdin_path.open("rb") as source:
        started = time.perf_counter()
        subprocess.run(argv, stdin=source, stdout=subprocess.DEVNULL, check=True)  # noqa: S603
        return time.perf_counter() - started


def _end_to_end(
    protocol_path: Path, lines: list[bytes], typical: dict[str, Any], repeat: int
) -> dict[str, list[float]]:
    """`amana check --batch` and the floor, each run `repeat` times, alternately (so that a
    slower spell of a shared machine falls on both)."""
    amana = [sys.executable, "-c", "import sys; from amana.cli import main; sys.exit(main())"]
    engine_cmd = [*amana, "check", "--protocol", str(protocol_path), "--batch", "-"]
    floor_cmd = [sys.executable, "-c", FLOOR_SCRIPT, json.dumps(typical)]
    runs: dict[str, list[float]] = {"engine_s": [], "floor_s": []}
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "requests.jsonl"
        batch.write_bytes(b"\n".join(lines) + b"\n")
        for _ in range(repeat):
            runs["engine_s"].append(_timed(engine_cmd, batch))
            runs["floor_s"].append(_timed(floor_cmd, batch))
    return runs


def run(
    n: int, protocol_path: Path, seed: int, end_to_end: bool, repeat: int = 5
) -> dict[str, Any]:
    protocol = load_protocol(protocol_path)
    lines = _requests(protocol, n, seed)
    decisions = [json.loads(decide_line(protocol, line, "en"))["decision"] for line in lines[:2000]]
    typical = typical_decision(protocol, lines)
    timing = _in_process(protocol, lines, typical)
    report: dict[str, Any] = {
        "requests": n,
        "protocol": str(protocol_path),
        "allow_share_in_sample": round(decisions.count("allow") / len(decisions), 3),
        "floor_line_bytes": len(encode(typical)),
        "in_process": {
            "decisions_per_s": round(n / timing["engine_s"]),
            "floor_lines_per_s": round(n / timing["floor_s"]),
            "ratio_engine_to_floor": round(timing["engine_s"] / timing["floor_s"], 2),
        },
        "latency_ms": _latencies_ms(protocol, lines[: min(n, 50000)]),
        "cpu": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    if end_to_end:
        e2e = _end_to_end(protocol_path, lines, typical, repeat)
        engine, floor = statistics.median(e2e["engine_s"]), statistics.median(e2e["floor_s"])
        report["end_to_end_check_batch"] = {
            "runs": repeat,
            "seconds": round(engine, 2),
            "decisions_per_s": round(n / engine),
            "floor_seconds": round(floor, 2),
            "ratio_engine_to_floor": round(engine / floor, 2),
            "each_run": [
                {"seconds": round(e, 2), "floor_seconds": round(f, 2), "ratio": round(e / f, 2)}
                for e, f in zip(e2e["engine_s"], e2e["floor_s"], strict=True)
            ],
        }
    return report


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        self.exit(2, f"amana bench decisions: {message}\n")


def main(argv: list[str]) -> int:
    parser = _Parser(prog="amana bench decisions")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--protocol", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-end-to-end", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=5, help="end-to-end runs of each (medians reported)"
    )
    args = parser.parse_args(argv)
    if args.n < 100:
        parser.error("--n: expected at least 100")
    if args.repeat < 1:
        parser.error("--repeat: expected at least 1")
    from amana.protocol.reader import ContractError

    try:
        report = run(
            args.n,
            args.protocol or demo_protocol_path(),
            args.seed,
            not args.no_end_to_end,
            args.repeat,
        )
    except ContractError as exc:
        print(f"amana bench decisions: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2))
    return 0
