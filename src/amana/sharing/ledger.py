"""Writing the sharing ledger. Call inside the transaction of the disclosure it records."""

from __future__ import annotations

from typing import Any

from amana.accounts.models import User
from amana.cases.models import Case
from amana.sharing.models import LedgerEntry


def record_disclosure(
    *,
    case: Case | None,
    request: dict[str, Any],
    decision: dict[str, Any],
    protocol: str,
    actor: User | None,
) -> LedgerEntry:
    """One ledger row: what was asked, what the engine decided, what went (nothing on deny)."""
    codes = sorted(
        {r["code"] for r in decision["reasons"]} | {w["code"] for w in decision["withhold"]}
    )
    return LedgerEntry.objects.create(
        actor=actor,
        case=case,
        sender=request["from"],
        recipient=request["to"],
        purpose=request["purpose"],
        service=request.get("service") or "",
        legal_basis=request["legal_basis"],
        protocol=protocol,
        decision=decision["decision"],
        requested=list(request["elements"]),
        shared=list(decision["share"]) if decision["decision"] == "allow" else [],
        codes=codes,
        request=request,
    )
