"""The forms of the case pages. They parse and check what a person typed; the actions decide.

Every field has its own messages, so an error says which field is wrong; the error summary at
the top of each form (`cases/_error_summary.html`) repeats them with the field's label. One
module per page: `lists`, `registration`, `case_page`; `choices` what they offer.
"""

from amana.cases.webforms.case_page import AssignForm, CaseEditForm, ReopenForm, SupervisorForm
from amana.cases.webforms.choices import (
    CONCERNS,
    MAX_PEOPLE,
    PHONE,
    concern_choices,
    location_and_below,
    location_choices,
    supervisors_of,
)
from amana.cases.webforms.lists import CaseFilterForm, CaseSearchForm
from amana.cases.webforms.registration import (
    CaseFactsForm,
    ChildForm,
    ConfirmNewChildForm,
    PersonForm,
    RegisterCaseForm,
)

__all__ = [
    "CONCERNS",
    "MAX_PEOPLE",
    "PHONE",
    "AssignForm",
    "CaseEditForm",
    "CaseFactsForm",
    "CaseFilterForm",
    "CaseSearchForm",
    "ChildForm",
    "ConfirmNewChildForm",
    "PersonForm",
    "RegisterCaseForm",
    "ReopenForm",
    "SupervisorForm",
    "concern_choices",
    "location_and_below",
    "location_choices",
    "supervisors_of",
]
