"""CPU time used by the parts of the scale-out during a run, from /proc (Linux only).

Sampled once a second: each app process (by its pid file, so the one started after the kill
counts under the same name), and each PostgreSQL server with all its backends (the children
of its postmaster). What a process used in its last second before dying is not counted.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, user + system ticks) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[-1].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found:
                tree[found[0]].append(int(entry.name))
    return tree


class CpuMeter:
    """Adds up the CPU seconds of named groups of processes between samples."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}  # pid -> ticks at the last sample
        self.used: dict[str, int] = defaultdict(int)  # group -> ticks used since the start

    def sample(self, groups: dict[str, int | None], with_children: set[str]) -> None:
        tree = _children() if with_children else {}
        for name, root in groups.items():
            if root is None:
                continue
            pids = [root, *tree.get(root, [])] if name in with_children else [root]
            for pid in pids:
                found = _stat(pid)
                if found is None:
                    continue
                ticks = found[1]
                if pid in self.seen:
                    self.used[name] += max(0, ticks - self.seen[pid])
                self.seen[pid] = ticks

    def seconds(self) -> dict[str, float]:
        return {name: round(ticks / TICKS, 1) for name, ticks in sorted(self.used.items())}
