"""The case pages: lists, the registration wizard and the case page. The forms of a case and
approvals are `amana.caseforms.views`.

Views are thin: they parse input with `webforms`, read only through `access` and write only
through `actions`. An `ActionError` goes back to the field it names, `NotAllowed` is a 403 page,
`CaseNotFound` a 404 page (a case of another agency, or one not assigned, is simply not found),
and `EditConflict` a 409 page saying who changed what and when, with what the person typed kept.

    common               the actor, 403/404 pages, `guarded`, error summaries, masking
    lists                my cases, the team view, what is due
    wizard               the registration wizard's state, kept encrypted in the session
    registration_check   possible duplicates, the summary, the register action's inputs
    registration         the registration wizard's steps
    case_facts           what the case page shows of a case
    conflicts            edit conflicts: what moved, and the person's changes rebased
    case_page            the case page and what it posts to
"""

from amana.cases.views.case_page import (
    case_assign,
    case_detail,
    case_edit,
    case_reopen,
    case_supervisor,
    case_unassign,
)
from amana.cases.views.common import ErrorItem, error_items
from amana.cases.views.lists import case_list, due_list, team_list
from amana.cases.views.registration import register
from amana.cases.views.wizard import WIZARD_KEY
from amana.core.web import guarded

__all__ = [
    "WIZARD_KEY",
    "ErrorItem",
    "case_assign",
    "case_detail",
    "case_edit",
    "case_list",
    "case_reopen",
    "case_supervisor",
    "case_unassign",
    "due_list",
    "error_items",
    "guarded",
    "register",
    "team_list",
]
