"""Forms as data: case management forms defined in YAML/JSON, validated, versioned, rendered.

A form definition (YAML in `forms_data/`, JSON in `FormDefinition.definition`)::

    id: registration                  # slug; the form's identity across versions and agencies
    title: {en: …, fr: …, ar: …}      # every text a person reads is a map language → text;
                                      # `en` is required, other languages of the app optional
    step: registration                # one of STEPS (the case management step it records)
    approval: none                    # none | supervisor (a supervisor approves the record)
    refugee_only: false               # true: only for refugee and asylum-seeking children (BID)
    sections:
      - id: child                     # slug, unique within the form
        title: {en: …}
        fields:
          - id: full_name             # slug, unique within the form (group columns included)
            type: text                # one of FIELD_TYPES
            label: {en: …}
            help: {en: …}             # optional
            required: true            # optional, default false
            element: full_name        # the data element (docs/data-elements.md), or x_<name>
                                      # for an agency's own element (never in any protocol)
            sensitivity: identifying  # identifying | sensitive_personal | protection | process;
                                      # must be the class the element has in ELEMENTS
            lookup: nationalities     # select / multi_select: a Lookup list (Lookup.kind) …
            choices:                  # … or inline choices; exactly one of the two
              - {code: high, label: {en: High}}
            min: 0                    # number only, optional; so is max
            max: 25
            fields: […]               # repeating_group only: its columns (no groups inside)

The data a form records is a JSON object keyed by field id: text / long_text → str, date →
"YYYY-MM-DD", number → int or float, yes_no → bool, select → code, multi_select → [code, …],
location → Location code, attachment → a reference to a stored file, repeating_group → a list
of objects keyed by column id. Fields left empty are absent.

`validate_definition` names the key path of every problem (`sections[2].fields[0].type:
expected one of text, long_text, …`). Definitions are stored normalised (defaults filled in) and
never overwritten: adapting a form adds a version (`caseforms.actions.do_adapt_form`) and each
FormRecord keeps the FormDefinition row it was entered with.

    schema      the shape of a definition (types, steps, keys, limits); reading a stored one
    elements    the data element registry, CORE_ELEMENTS, FIXED_CODES
    checking    validate_definition and its checker, parse_definition_text
    storage     the shipped form set, stored_form(s), next_version, the definitions kept
    data        mask, validate_form_data
    rendering   build_form_class: a Django form from a definition

Everything public is importable from `amana.caseforms.formdefs` itself.
"""

from amana.caseforms.formdefs.checking import (
    DefinitionError,
    check_definition,
    parse_definition_text,
    validate_definition,
)
from amana.caseforms.formdefs.data import YES_NO_WORDS, mask, validate_form_data
from amana.caseforms.formdefs.elements import CORE_ELEMENTS, ELEMENTS, FIXED_CODES, Element
from amana.caseforms.formdefs.rendering import YES_NO_CHOICES, DefinitionForm, build_form_class
from amana.caseforms.formdefs.schema import (
    APPROVALS,
    CHOICE_KEYS,
    CHOICE_TYPES,
    CUSTOM_PREFIX,
    FIELD_KEYS,
    FIELD_TYPES,
    FORM_KEYS,
    MASKED,
    REFERENCE_LIMIT,
    SECTION_KEYS,
    SENSITIVITIES,
    SLUG,
    STEPS,
    TEXT_LIMITS,
    definition_of,
    fields_by_sensitivity,
    iter_fields,
    text_in,
)
from amana.caseforms.formdefs.storage import (
    SHIPPED_FORMS,
    forget_definitions,
    kept_definitions,
    load_shipped,
    next_version,
    shipped_text,
    stored_form,
    stored_forms,
)

__all__ = [
    "APPROVALS",
    "CHOICE_KEYS",
    "CHOICE_TYPES",
    "CORE_ELEMENTS",
    "CUSTOM_PREFIX",
    "ELEMENTS",
    "FIELD_KEYS",
    "FIELD_TYPES",
    "FIXED_CODES",
    "FORM_KEYS",
    "MASKED",
    "REFERENCE_LIMIT",
    "SECTION_KEYS",
    "SENSITIVITIES",
    "SHIPPED_FORMS",
    "SLUG",
    "STEPS",
    "TEXT_LIMITS",
    "YES_NO_CHOICES",
    "YES_NO_WORDS",
    "DefinitionError",
    "DefinitionForm",
    "Element",
    "build_form_class",
    "check_definition",
    "definition_of",
    "fields_by_sensitivity",
    "forget_definitions",
    "iter_fields",
    "kept_definitions",
    "load_shipped",
    "mask",
    "next_version",
    "parse_definition_text",
    "shipped_text",
    "stored_form",
    "stored_forms",
    "text_in",
    "validate_definition",
    "validate_form_data",
]
