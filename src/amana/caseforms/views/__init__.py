"""The case form pages, under the `cases:` URL namespace (see `amana.caseforms.urls`).

    form_pages   case forms as pages, built from their definition
    case_forms   starting, saving, submitting and reading case forms
    approvals    the supervisor's inbox and decisions
    form_admin   adapting forms to an agency's SOPs (FORM_MANAGE)

They share the case pages' guard, error summaries and masking (`amana.cases.views.common`).
"""
