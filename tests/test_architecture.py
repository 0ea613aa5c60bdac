"""The write rule (ADR 0006): ORM writes live in the apps' `actions` and nowhere else.

An AST walk over every module of `src/amana` (migrations aside) finds the calls that write
through the ORM: `.save(`, `.delete(`, `.create(`, `.bulk_create(`, `.bulk_update(`,
`.get_or_create(`, `.update_or_create(`, and `.update(` on a queryset (a receiver chain through
`objects`, `filter`, `exclude`, `all` or `select_for_update`, so `dict.update` is not one).
Receivers named `cache` or `session` are not the ORM. A write is allowed in

- an `actions` module or a module of an `actions` package;
- a `models.py` (the models' own `save` and guard overrides);
- the short list of EXEMPTIONS below, each with its reason.

Third-party packages are outside `src/amana` and never scanned. The audit sealer
(`audit/sealer.py`) writes `seq`/`chain_hash` with one raw SQL UPDATE, which this walk does not
see and which needs no exemption; an exemption no longer used fails the test, so the list
stays as short as the tree allows.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "amana"

WRITE_METHODS = frozenset(
    {
        "save",
        "delete",
        "create",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
    }
)
QUERYSET_LINKS = frozenset({"objects", "filter", "exclude", "all", "select_for_update"})
NOT_THE_ORM = frozenset({"cache", "session"})

# path under src/amana (a file, `file::function`, or a folder ending in "/") → why it may write.
EXEMPTIONS: dict[str, str] = {
    "audit/log.py::write_entry": "the audit writer: each action's entry, in that action's "
    "transaction (it refuses to run outside one)",
    "crypto/keycheck.py::ensure_keys_match_data": "key-check values (ADR 0007): written once per "
    "key id where a data command starts, before any action runs (`amana.cli`)",
    "crypto/rotation.py": "key rotation re-encrypts stored values in place, batch by batch, "
    "below every domain (`amana keys rotate`)",
    "sharing/disclosure.py::record": "the disclosure path's ledger writer: runs in the calling "
    "action's transaction, next to its audit entry (it refuses to run outside one)",
    "ops/seed/": "bulk seeding of synthetic load-test data, at volume (`amana seed`)",
    "accounts/throttle.py::record_success": "not an ORM write: forgets a username's failed "
    "log-ins in the `throttle` cache (counters are kept out of the database on purpose)",
}


@dataclass(frozen=True)
class Write:
    path: str  # relative to src/amana
    line: int
    function: str  # the innermost enclosing function, "" at module level
    call: str  # e.g. "Case.objects.filter().update"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" + (f" in {self.function}()" if self.function else "")
        return f"{where}: {self.call}"


def _receiver_chain(node: ast.expr) -> list[str]:
    """The names a call's receiver is built from, innermost last: `a.b.c()` → [c, b, a]."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names
        else:
            return names


def _is_write(call: ast.Call) -> str | None:
    if not isinstance(call.func, ast.Attribute):
        return None
    method = call.func.attr
    chain = _receiver_chain(call.func.value)
    if NOT_THE_ORM & set(chain):
        return None
    if method in WRITE_METHODS or (method == "update" and QUERYSET_LINKS & set(chain)):
        return ".".join([*reversed(chain), method])
    return None


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.functions: list[str] = []
        self.writes: list[Write] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Call(self, node: ast.Call) -> None:
        call = _is_write(node)
        if call is not None:
            function = self.functions[-1] if self.functions else ""
            self.writes.append(Write(self.path, node.lineno, function, call))
        self.generic_visit(node)


def orm_writes(source: str, path: str = "<string>") -> list[Write]:
    finder = _Finder(path)
    finder.visit(ast.parse(source))
    return finder.writes


def _in_actions(path: str) -> bool:
    parts = path.split("/")
    return parts[-1] == "actions.py" or "actions" in parts[:-1]


def _exemption(write: Write) -> str | None:
    for key in EXEMPTIONS:
        if key.endswith("/") and write.path.startswith(key):
            return key
        if key in (write.path, f"{write.path}::{write.function}"):
            return key
    return None


def _tree_writes() -> list[Write]:
    writes: list[Write] = []
    for file in sorted(SOURCE.rglob("*.py")):
        path = file.relative_to(SOURCE).as_posix()
        if "migrations" in path.split("/"):
            continue
        writes += orm_writes(file.read_text(encoding="utf-8"), path)
    return writes


def test_orm_writes_happen_only_in_actions_models_and_the_listed_exemptions():
    stray = [
        str(write)
        for write in _tree_writes()
        if not (
            _in_actions(write.path)
            or write.path.endswith("models.py")
            or _exemption(write) is not None
        )
    ]
    assert not stray, (
        "ORM writes outside an app's actions (move them into `actions`, as a `do_…` action or "
        "a step it calls):\n  " + "\n  ".join(stray)
    )


def test_every_exemption_is_still_needed():
    used = {_exemption(write) for write in _tree_writes()}
    assert set(EXEMPTIONS) <= used, f"unused exemptions: {sorted(set(EXEMPTIONS) - used)}"


SYNTHETIC = """
from amana.cases.models import Case

def case_view(request, form, d, cache):
    Case.objects.filter(pk=1).update(x=1)
    form.save()
    Case.objects.create(case_number="X")
    Case.objects.all().delete()
    Case.objects.bulk_create([])
    row, _ = Case.objects.get_or_create(pk=1)
    d.update({})
    d.update(a=1)
    cache.delete("key")
    request.session.save()
    return Case.objects.filter(pk=1).first()
"""


def test_the_scanner_finds_writes_in_a_view_and_leaves_dict_update_alone():
    found = [(write.line, write.function, write.call) for write in orm_writes(SYNTHETIC)]
    assert found == [
        (5, "case_view", "Case.objects.filter.update"),
        (6, "case_view", "form.save"),
        (7, "case_view", "Case.objects.create"),
        (8, "case_view", "Case.objects.all.delete"),
        (9, "case_view", "Case.objects.bulk_create"),
        (10, "case_view", "Case.objects.get_or_create"),
    ]


def test_a_view_api_form_or_loader_that_writes_is_not_allowed():
    for path in (
        "cases/views/case_page.py",
        "cases/api.py",
        "cases/webforms.py",
        "core/templatetags/amana.py",
        "ops/demo/loader.py",
        "caseforms/formdefs/storage.py",
    ):
        writes = orm_writes(SYNTHETIC, path)
        assert writes
        assert not any(_in_actions(w.path) or _exemption(w) for w in writes), path
    assert _in_actions("cases/actions/lifecycle.py")
    assert _in_actions("refdata/actions.py")
    assert not _in_actions("cases/transactions.py")
