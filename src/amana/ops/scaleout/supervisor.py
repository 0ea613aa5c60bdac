"""Keeps the app processes and the worker running: `python -m amana.ops.scaleout.supervisor DIR`.

Started detached by `amana scaleout start`. It starts every program listed in DIR/state.json
(`programs`: name → argv), each with the scale-out environment and its own log under
DIR/logs, writes each one's process id to DIR/run/<name>.pid, and starts again, after a short
pause, any that exits — killed with -9 or crashed — so the proxy has it back within seconds.
A program that dies within a few seconds of starting too often is left stopped, and said so
in the supervisor's log. SIGTERM: every program gets SIGTERM, then SIGKILL after a grace
period, and the supervisor exits.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

GRACE_SECONDS = 10.0
RESTART_PAUSE = 0.5
QUICK_DEATH = 5.0  # seconds: dying sooner than this after start counts as a failed start
MAX_QUICK_DEATHS = 5


@dataclass
class Program:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    quick_deaths: int = 0
    restarts: int = 0
    given_up: bool = False
    history: list[str] = field(default_factory=list)


class Supervisor:
    def __init__(self, root: Path) -> None:
        self.root = root
        state = json.loads((root / "state.json").read_text())
        self.env = {**os.environ, **state["env"]}
        self.programs = [Program(name, argv) for name, argv in state["programs"].items()]
        self.stopping = False
        (root / "run").mkdir(exist_ok=True)

    def log(self, message: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        with (self.root / "logs" / "supervisor.log").open("a") as handle:
            handle.write(f"{stamp} {message}\n")

    def start(self, program: Program) -> None:
        out = (self.root / "logs" / f"{program.name}.log").open("ab")
        program.process = subprocess.Popen(  # noqa: S603 - our own argv
            program.argv, env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=self.root
        )
        out.close()
        program.started = time.monotonic()
        (self.root / "run" / f"{program.name}.pid").write_text(f"{program.process.pid}\n")
        self.log(f"started {program.name} (pid {program.process.pid})")

    def check(self, program: Program) -> None:
        if program.given_up or program.process is None:
            return
        status = program.process.poll()
        if status is None:
            return
        lived = time.monotonic() - program.started
        self.log(f"{program.name} (pid {program.process.pid}) exited with {status}")
        program.quick_deaths = program.quick_deaths + 1 if lived < QUICK_DEATH else 0
        if program.quick_deaths >= MAX_QUICK_DEATHS:
            program.given_up = True
            (self.root / "run" / f"{program.name}.pid").unlink(missing_ok=True)
            self.log(f"{program.name} keeps dying at start: left stopped")
            return
        time.sleep(RESTART_PAUSE)
        program.restarts += 1
        self.start(program)

    def stop_all(self) -> None:
        running = [p for p in self.programs if p.process and p.process.poll() is None]
        for program in running:
            assert program.process is not None
            program.process.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for program in running:
            assert program.process is not None
            try:
                program.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                program.process.kill()
                program.process.wait()
            (self.root / "run" / f"{program.name}.pid").unlink(missing_ok=True)
        self.log("all programs stopped")

    def run(self) -> int:
        def on_term(signum: int, frame: FrameType | None) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, on_term)
        for program in self.programs:
            self.start(program)
        while not self.stopping:
            for program in self.programs:
                if not self.stopping:
                    self.check(program)
            time.sleep(0.2)
        self.stop_all()
        return 0


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m amana.ops.scaleout.supervisor DIR", file=sys.stderr)
        return 2
    return Supervisor(Path(argv[0])).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
