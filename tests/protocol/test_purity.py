"""The engine is plain Python: no Django import, so `amana check` runs on a protocol file alone."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "amana" / "protocol"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_of_the_engine_imports_django_or_another_amana_app():
    for path in PACKAGE.rglob("*.py"):
        for name in _imported_modules(path):
            assert not name.startswith(("django", "rest_framework")), f"{path.name} imports {name}"
            if name.startswith("amana."):
                assert name.startswith("amana.protocol"), f"{path.name} imports {name}"


def test_running_check_and_bench_never_loads_django():
    code = (
        "import sys\n"
        "import amana.cli, amana.protocol, amana.protocol.cli, amana.protocol.bench\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')]\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_plain_engine_never_imports_the_fast_path():
    """`amana.protocol.fast` depends on the engine, the catalogue and the rules; none of the
    modules a decision is made of imports it back."""
    plain = [
        PACKAGE / "engine.py",
        PACKAGE / "catalogue.py",
        PACKAGE / "decision.py",
        PACKAGE / "findings.py",
        PACKAGE / "model.py",
        *(PACKAGE / "rules").glob("*.py"),
    ]
    for path in plain:
        fast = [n for n in _imported_modules(path) if n.startswith("amana.protocol.fast")]
        assert not fast, f"{path.name} imports {fast}"
