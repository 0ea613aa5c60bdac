"""The paths the architecture promises (docs/adr/0006): one module outside `amana.protocol`
asks the engine; API modules never lean on pages or forms; no module imports itself in a
circle. The layers between apps are import-linter's contracts (pyproject.toml), run by
`./dev test`."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "amana"
DISCLOSURE_PATH = "sharing/disclosure.py"
ENGINE_NAMES = frozenset({"evaluate", "no_protocol_decision", "decide_json", "decider"})
PAGE_MODULES = (".views", ".forms", ".webforms")


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" not in relative:
            yield relative, ast.parse(path.read_text(encoding="utf-8"))


def engine_calls(tree: ast.Module) -> set[str]:
    """The engine's entry points a module imports (from amana.protocol or below it)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("amana.protocol"):
            found |= {alias.name for alias in node.names} & ENGINE_NAMES
            if node.module and node.module.startswith(
                ("amana.protocol.engine", "amana.protocol.fast")
            ):
                found.add(node.module)
    return found


def page_imports(tree: ast.Module) -> set[str]:
    """Modules of pages and forms a module imports."""
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {
            name
            for name in names
            if name.startswith("amana.") and any(part in name + "." for part in PAGE_MODULES)
        }
    return {name for name in found if not name.startswith("amana.core.")}


def is_api(relative: str) -> bool:
    return Path(relative).name.startswith("api") and not relative.startswith("protocol/")


def test_exactly_one_module_outside_the_engine_asks_it():
    askers = {
        relative: sorted(engine_calls(tree))
        for relative, tree in modules()
        if not relative.startswith("protocol/") and engine_calls(tree)
    }
    assert list(askers) == [DISCLOSURE_PATH], askers


def test_denied_twin_the_scanner_sees_a_second_asker():
    sneaky = ast.parse("from amana.protocol import evaluate\nfrom amana.protocol.fast import batch")
    assert engine_calls(sneaky) == {"evaluate", "amana.protocol.fast"}
    assert engine_calls(ast.parse("from amana.protocol import Decision")) == set()


def test_api_modules_never_import_pages_or_forms():
    leaning = {
        relative: sorted(page_imports(tree))
        for relative, tree in modules()
        if is_api(relative) and page_imports(tree)
    }
    assert leaning == {}


def test_denied_twin_the_scanner_sees_an_api_leaning_on_a_page():
    tree = ast.parse(
        "from amana.referrals.views.common import PAGE_SIZE\nfrom amana.sharing.forms import X\n"
        "from amana.referrals.presenters import PAGE_SIZE"
    )
    assert page_imports(tree) == {
        "amana.referrals.views.common",
        "amana.referrals.views.common.PAGE_SIZE",
        "amana.sharing.forms",
        "amana.sharing.forms.X",
    }


def circles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(imports.get(module, ())):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("amana", exclude_type_checking_imports=True)


def test_no_module_imports_itself_in_a_circle(graph):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        imports = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
        assert circles(imports) == []
    finally:
        sys.setrecursionlimit(limit)


def test_denied_twin_a_circle_is_found():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
