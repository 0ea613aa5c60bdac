"""The tools stay out of the domain: no domain app imports `amana.ops`, and the demo writes
nothing but through the domain's write paths."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "amana"
IMPORTS_OPS = re.compile(r"^\s*(from|import)\s+amana\.ops\b", re.MULTILINE)
DIRECT_WRITE = re.compile(r"\.save\(|\.objects\.create\(|\.update\(|bulk_create|\.delete\(")


def test_no_domain_module_imports_the_tools():
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.relative_to(SRC).parts[0] != "ops" and IMPORTS_OPS.search(path.read_text())
    ]
    assert offenders == []


def test_the_demo_writes_no_row_directly():
    demo = SRC / "ops" / "demo"
    offenders = [
        f"{path.name}: {line.strip()}"
        for path in sorted(demo.rglob("*.py"))
        for line in path.read_text().splitlines()
        if DIRECT_WRITE.search(line)
    ]
    assert offenders == []
