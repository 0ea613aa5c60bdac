"""The only write path for cases. Each action asks its predicate of `policy.py` (the one the
case pages ask too), runs in one durable transaction and writes its audit entry in that
transaction. Personal data never goes into the audit details.

    common     CaseInput, its checks, refuse_unless
    register   ChildInput, PersonInput; register_case (a step), do_register_case
    update     do_update_case, do_set_supervisor
    assign     do_assign_case, do_unassign_case
    lifecycle  the steps of the case-management cycle (complete_step, request_approval,
               approval_settled, returned, close_transferred, close_tasks), do_reopen_case
    reindex    do_reindex_names: name tokens recomputed under the rules in force, in batches
               (`amana names reindex`)

The forms of a case are saved, submitted and decided by `amana.caseforms.actions`, which moves
the case on through the `lifecycle` steps. Everything public is importable from
`amana.cases.actions` itself.
"""

from amana.cases.actions.assign import do_assign_case, do_unassign_case
from amana.cases.actions.common import CONCERNS, CaseInput, refuse_unless
from amana.cases.actions.lifecycle import (
    TRANSFERRED_REASON,
    approval_settled,
    close_tasks,
    close_transferred,
    complete_step,
    do_reopen_case,
    request_approval,
    returned,
)
from amana.cases.actions.register import (
    ChildInput,
    PersonInput,
    do_register_case,
    register_case,
)
from amana.cases.actions.reindex import do_reindex_names
from amana.cases.actions.update import EDITABLE_FIELDS, do_set_supervisor, do_update_case

__all__ = [
    "CONCERNS",
    "EDITABLE_FIELDS",
    "TRANSFERRED_REASON",
    "CaseInput",
    "ChildInput",
    "PersonInput",
    "approval_settled",
    "close_tasks",
    "close_transferred",
    "complete_step",
    "do_assign_case",
    "do_register_case",
    "do_reindex_names",
    "do_reopen_case",
    "do_set_supervisor",
    "do_unassign_case",
    "do_update_case",
    "refuse_unless",
    "register_case",
    "request_approval",
    "returned",
]
