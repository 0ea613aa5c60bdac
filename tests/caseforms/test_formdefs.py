"""Forms as data: the shipped set, definition checks, data validation, masking, versions."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.caseforms import formdefs
from amana.caseforms.actions import current_form, do_adapt_form, do_store_shipped_forms
from amana.caseforms.formdefs import (
    CORE_ELEMENTS,
    ELEMENTS,
    MASKED,
    SHIPPED_FORMS,
    STEPS,
    DefinitionError,
    build_form_class,
    fields_by_sensitivity,
    load_shipped,
    mask,
    storage,
    validate_definition,
    validate_form_data,
)
from amana.caseforms.models import FormDefinition, FormRecord
from amana.cases.models import Case, Child, Sensitivity
from amana.refdata.models import Location, Lookup
from tests.factories import AgencyFactory

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-elements.md"
LANGUAGES = ("en", "fr", "ar")


def _all_fields(definition: dict[str, Any]) -> list[dict[str, Any]]:
    fields = []
    for field in formdefs.iter_fields(definition):
        fields.append(field)
        fields.extend(field.get("fields", []))
    return fields


def _texts(definition: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """Every text map of a definition with a name saying where it is."""
    found = [("title", definition["title"])]
    for section in definition["sections"]:
        found.append((f"{section['id']}.title", section["title"]))
    for field in _all_fields(definition):
        found.append((f"{field['id']}.label", field["label"]))
        if "help" in field:
            found.append((f"{field['id']}.help", field["help"]))
        for option in field.get("choices", []):
            found.append((f"{field['id']}.{option['code']}", option["label"]))
    return found


def _documented() -> dict[str, str]:
    """Element name → class, from the tables of docs/data-elements.md."""
    rows = re.findall(r"^\| `([a-z0-9_]+)` \| ([a-z_ ]+) \|", DOCS.read_text(), flags=re.M)
    return dict(rows)


# --- The shipped form set ----------------------------------------------------------------


@pytest.mark.parametrize("form_id", SHIPPED_FORMS)
def test_every_shipped_form_validates_and_speaks_three_languages(form_id):
    definition = load_shipped(form_id)
    assert definition["id"] == form_id
    assert definition["step"] == form_id
    missing = [
        f"{where}.{language}"
        for where, texts in _texts(definition)
        for language in LANGUAGES
        if not texts.get(language, "").strip()
    ]
    assert missing == []


def test_the_shipped_set_follows_the_case_management_steps():
    forms = {form_id: load_shipped(form_id) for form_id in SHIPPED_FORMS}
    assert sorted(d["step"] for d in forms.values()) == sorted(STEPS)
    assert [f for f, d in forms.items() if d["refugee_only"]] == ["bid"]
    assert {f for f, d in forms.items() if d["approval"] == "supervisor"} == {
        "bia",
        "case_plan",
        "closure",
        "bid",
    }


def test_every_element_tag_is_a_documented_element_of_its_class():
    documented = _documented()
    assert set(documented) == set(ELEMENTS), "docs/data-elements.md and ELEMENTS disagree"
    for name, element in ELEMENTS.items():
        assert documented[name] == (element.sensitivity or "set of records"), name
    for form_id in SHIPPED_FORMS:
        for field in _all_fields(load_shipped(form_id)):
            assert field["element"] in documented, (form_id, field["id"])
            assert documented[field["element"]] == field["sensitivity"], (form_id, field["id"])


def test_every_element_of_the_demo_protocol_is_documented():
    import yaml

    from amana.protocol.bench import demo_protocol_path

    protocol = yaml.safe_load(demo_protocol_path().read_text())
    named = set()
    for spec in protocol["purposes"].values():
        named |= set(spec.get("elements") or []) | set(spec.get("excluded") or [])
        for service in (spec.get("services") or {}).values():
            named |= set(service.get("elements") or [])
    assert named - set(_documented()) == set()


def test_registration_records_identity_family_concerns_and_consent():
    fields = {f["id"]: f for f in _all_fields(load_shipped("registration"))}
    expected = {
        "full_name": ("full_name", "identifying"),
        "other_names": ("other_names", "identifying"),
        "date_of_birth": ("date_of_birth", "identifying"),
        "sex": ("sex", "sensitive_personal"),
        "nationality": ("nationality", "sensitive_personal"),
        "individual_id": ("individual_id", "identifying"),
        "contact_phone": ("contact_phone", "identifying"),
        "location": ("location", "identifying"),
        "caregivers": ("related_persons", "identifying"),
        "caregiver_name": ("related_person_name", "identifying"),
        "protection_concerns": ("specific_needs_codes", "protection"),
        "risk_level": ("risk_level", "protection"),
        "consent_registration": ("consent_record", "process"),
        "assent_registration": ("consent_record", "process"),
        "consent_sharing": ("consent_record", "process"),
        "assent_sharing": ("consent_record", "process"),
        "consent_explained_by": ("consent_record", "process"),
    }
    for field_id, (element, sensitivity) in expected.items():
        assert (fields[field_id]["element"], fields[field_id]["sensitivity"]) == (
            element,
            sensitivity,
        ), field_id
    assert fields["protection_concerns"]["type"] == "multi_select"
    assert fields["protection_concerns"]["lookup"] == "protection_concerns"
    assert fields["caregivers"]["type"] == "repeating_group"
    columns = {c["id"] for c in fields["caregivers"]["fields"]}
    assert {"caregiver_relationship", "caregiver_name", "caregiver_phone"} <= columns
    assert "caregiver_is_caregiver" in columns


# --- Definitions that are wrong ----------------------------------------------------------


def _minimal() -> dict[str, Any]:
    return {
        "id": "follow_up",
        "title": {"en": "Follow-up"},
        "step": "follow_up",
        "sections": [
            {
                "id": "main",
                "title": {"en": "Main"},
                "fields": [
                    {
                        "id": "seen_on",
                        "type": "date",
                        "label": {"en": "Seen on"},
                        "element": "assessment_date",
                        "sensitivity": "process",
                    },
                    {
                        "id": "name",
                        "type": "text",
                        "label": {"en": "Name"},
                        "element": "full_name",
                        "sensitivity": "identifying",
                    },
                ],
            }
        ],
    }


def _field(definition: dict[str, Any], index: int) -> dict[str, Any]:
    field: dict[str, Any] = definition["sections"][0]["fields"][index]
    return field


def _set(index: int, **changes: Any):
    def change(d: dict[str, Any]) -> None:
        _field(d, index).update(changes)

    return change


def _drop(index: int, key: str):
    def change(d: dict[str, Any]) -> None:
        del _field(d, index)[key]

    return change


def _add_group_in_group(d: dict[str, Any]) -> None:
    inner = {"id": "inner", "type": "repeating_group", "label": {"en": "In"},
             "element": "related_persons", "sensitivity": "identifying",
             "fields": [copy.deepcopy(_field(d, 1)) | {"id": "deep"}]}  # fmt: skip
    _field(d, 1).update(type="repeating_group", element="related_persons", fields=[inner])


BAD_DEFINITIONS = [
    (_set(0, type="textarea"), r"sections\[0\]\.fields\[0\]\.type: expected one of text, long_text, date"),
    (_set(1, element="favourite_colour"), r"sections\[0\]\.fields\[1\]\.element: unknown data element 'favourite_colour'"),
    (_set(1, element="case_file"), r"sections\[0\]\.fields\[1\]\.element: 'case_file' names a set of records"),
    (_set(1, sensitivity="process"), r"sections\[0\]\.fields\[1\]\.sensitivity: the element full_name is identifying"),
    (_set(1, sensitivity="secret"), r"sections\[0\]\.fields\[1\]\.sensitivity: expected one of identifying"),
    (_drop(1, "element"), r"sections\[0\]\.fields\[1\]\.element: required"),
    (_set(1, id="seen_on"), r"sections\[0\]\.fields\[1\]\.id: 'seen_on' is used twice"),
    (_set(1, id="Bad Id"), r"sections\[0\]\.fields\[1\]\.id: expected a lower-case name"),
    (_set(1, requird=True), r"sections\[0\]\.fields\[1\]\.requird: unknown key"),
    (_set(1, required="yes"), r"sections\[0\]\.fields\[1\]\.required: expected true or false"),
    (_set(1, label={"fr": "Nom"}), r"sections\[0\]\.fields\[1\]\.label\.en: required"),
    (_set(1, label={"en": "Name", "xx": "?"}), r"sections\[0\]\.fields\[1\]\.label\.xx: unknown language"),
    (_set(1, min=3), r"sections\[0\]\.fields\[1\]\.min: only for number fields"),
    (_set(1, type="select"), r"sections\[0\]\.fields\[1\]: a choice field needs either lookup or choices"),
    (_set(1, type="select", lookup="x", choices=[]), r"sections\[0\]\.fields\[1\]: a choice field needs either"),
    (_set(1, type="select", choices=[{"code": "a", "label": {"en": "A"}}, {"code": "a", "label": {"en": "B"}}]),
     r"sections\[0\]\.fields\[1\]\.choices\[1\]\.code: 'a' is used twice"),
    (_set(1, type="select", choices=[{"code": False, "label": {"en": "No"}}]),
     r"sections\[0\]\.fields\[1\]\.choices\[0\]\.code: expected a code"),
    (_set(1, type="number", element="x_age", sensitivity="identifying", min=10, max=1),
     r"sections\[0\]\.fields\[1\]\.max: is below min"),
    (_set(1, type="number", element="x_age", min="ten"), r"sections\[0\]\.fields\[1\]\.min: expected a number"),
    (_set(1, type="select", element="sex", sensitivity="sensitive_personal",
          choices=[{"code": "f", "label": {"en": "F"}}]),
     r"sections\[0\]\.fields\[1\]\.choices: sex keeps the codes female, male, other, unknown"),
    (_set(1, type="repeating_group"), r"sections\[0\]\.fields\[1\]\.fields: expected a non-empty list"),
    (_add_group_in_group, r"sections\[0\]\.fields\[1\]\.fields\[0\]\.type: a repeating group cannot hold another group"),
    (lambda d: d.update(step="intake"), r"^step: expected one of registration, initial_assessment"),
    (lambda d: d.update(approval="manager"), r"^approval: expected one of none, supervisor"),
    (lambda d: d.update(sections=[]), r"^sections: expected a non-empty list"),
    (lambda d: d["sections"].append(copy.deepcopy(d["sections"][0])), r"sections\[1\]\.id: 'main' is used twice"),
    (lambda d: d.update(step="closure"), r"^sections: a closure form needs fields for the elements closure_reason, case_summary"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "message"), BAD_DEFINITIONS)
def test_invalid_definitions_name_the_key_path(change, message):
    definition = _minimal()
    assert validate_definition(copy.deepcopy(definition))  # the starting point is valid
    change(definition)
    with pytest.raises(DefinitionError) as failure:
        validate_definition(definition)
    assert any(re.search(message, problem) for problem in failure.value.problems), (
        failure.value.problems
    )


def test_an_adaptation_cannot_drop_what_the_workflow_reads():
    definition = load_shipped("registration")
    for section in definition["sections"]:
        section["fields"] = [f for f in section["fields"] if f["element"] != "consent_record"]
    definition["sections"] = [s for s in definition["sections"] if s["fields"]]
    with pytest.raises(DefinitionError, match="needs fields for the elements consent_record"):
        validate_definition(definition)
    assert "consent_record" in CORE_ELEMENTS["registration"]


def test_not_an_object_and_not_yaml():
    with pytest.raises(DefinitionError, match=r"^definition: expected an object"):
        validate_definition(["a", "list"])
    with pytest.raises(DefinitionError, match=r"pasted: not valid YAML or JSON \(line 2\)"):
        formdefs.parse_definition_text("id: x\n  title: [", "pasted")


def test_defaults_are_filled_in_and_agency_elements_allowed():
    definition = _minimal()
    _field(definition, 1).update(element="x_school_name", sensitivity="protection")
    clean = validate_definition(definition)
    assert clean["approval"] == "none" and clean["refugee_only"] is False
    assert _field(clean, 0)["required"] is False
    assert _field(clean, 1)["element"] == "x_school_name"


# --- Entered data ------------------------------------------------------------------------


@pytest.fixture
def places_and_lists(db):
    Lookup.objects.create(kind="protection_concerns", code="neglect", label="Neglect")
    Lookup.objects.create(kind="protection_concerns", code="child_labour", label="Child labour")
    Lookup.objects.create(kind="nationalities", code="kes", label="Kestrian")
    top = Location.objects.create(code="KS01", name="Northern Plains", level=1)
    Location.objects.create(code="KS0101", name="North Camp", level=2, parent=top)


def _registration_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "registration_date": "2026-03-02",
        "full_name": "Amina Yusuf",
        "date_of_birth": "2014-03-02",
        "sex": "female",
        "nationality": "kes",
        "location": "KS0101",
        "care_arrangement": "kinship",
        "caregivers": [
            {"caregiver_relationship": "relative", "caregiver_name": "Halima", "caregiver_is_caregiver": "yes"},
            {"caregiver_relationship": "", "caregiver_name": " "},  # an empty row is dropped
        ],
        "protection_concerns": ["neglect", "child_labour", "neglect"],
        "reason_for_registration": "Lives with an aunt who cannot care for her.",
        "risk_level": "medium",
        "consent_given_by": "relative",
        "consent_registration": True,
        "consent_sharing": "no",
        "consent_explained_by": "K. Otieno, caseworker",
        "consent_date": "2026-03-02",
    }  # fmt: skip
    data.update(changes)
    return data


def test_valid_data_is_cleaned(places_and_lists):
    clean, errors = validate_form_data(load_shipped("registration"), _registration_data())
    assert errors == {}
    assert clean["protection_concerns"] == ["neglect", "child_labour"]
    assert clean["consent_sharing"] is False
    assert clean["caregivers"] == [
        {"caregiver_relationship": "relative", "caregiver_name": "Halima", "caregiver_is_caregiver": True}
    ]  # fmt: skip
    assert "other_names" not in clean


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"date_of_birth": "02/03/2014"}, "date_of_birth", "Date of birth: enter a date like 2026-03-01."),
        ({"date_of_birth": "2014-02-30"}, "date_of_birth", "Date of birth: enter a date like 2026-03-01."),
        ({"full_name": "  "}, "full_name", "Child's full name: this field is required."),
        ({"consent_registration": None}, "consent_registration", "Consent given to register the child and record their information: this field is required."),
        ({"sex": "robot"}, "sex", "Sex: 'robot' is not one of the choices."),
        ({"protection_concerns": ["neglect", "aliens"]}, "protection_concerns", "Protection concerns: 'aliens' is not one of the choices."),
        ({"nationality": "atlantis"}, "nationality", "Nationality: 'atlantis' is not one of the choices."),
        ({"location": "KS99"}, "location", "Place (camp, district, village): 'KS99' is not a known place."),
        ({"consent_sharing": "maybe"}, "consent_sharing", "Consent given to share information with service providers for referrals: answer yes or no."),
        ({"full_name": ["A", "B"]}, "full_name", "Child's full name: enter text."),
        ({"full_name": "x" * 501}, "full_name", "Child's full name: at most 500 characters."),
        ({"favourite_colour": "blue"}, "favourite_colour", "favourite_colour: not a field of this form."),
        ({"caregivers": [{"caregiver_relationship": "aunt", "caregiver_name": "H"}]}, "caregivers[0].caregiver_relationship",
         "Caregivers and family members, row 1, Relationship to the child: 'aunt' is not one of the choices."),
        ({"caregivers": [{"caregiver_relationship": "mother"}]}, "caregivers[0].caregiver_name",
         "Caregivers and family members, row 1, Name: this field is required."),
        ({"caregivers": "Halima"}, "caregivers", "Caregivers and family members: expected a list of rows."),
    ],
)  # fmt: skip
def test_bad_data_is_refused_with_the_field_named(places_and_lists, changes, path, message):
    _clean, errors = validate_form_data(load_shipped("registration"), _registration_data(**changes))
    assert errors.get(path) == message, errors


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (25, "Number of meetings it took: enter a number of at most 20."),
        ("0", "Number of meetings it took: enter a number of at least 1."),
        ("three", "Number of meetings it took: enter a number."),
        (True, "Number of meetings it took: enter a number."),
        (float("nan"), "Number of meetings it took: enter a number."),
    ],
)
def test_numbers_out_of_range_are_refused(db, value, message):
    _clean, errors = validate_form_data(
        load_shipped("comprehensive_assessment"), {"sessions": value}
    )
    assert errors["sessions"] == message


def test_numbers_in_range_are_kept_as_numbers(db):
    clean, errors = validate_form_data(load_shipped("comprehensive_assessment"), {"sessions": "3"})
    assert clean["sessions"] == 3 and "sessions" not in errors


def test_messages_name_the_field_in_the_callers_language(places_and_lists):
    with translation.override("fr"):
        _clean, errors = validate_form_data(
            load_shipped("registration"), _registration_data(date_of_birth="hier")
        )
    assert errors["date_of_birth"].startswith("Date de naissance")  # fmt: skip


def test_data_that_is_not_an_object_is_refused(db):
    _clean, errors = validate_form_data(load_shipped("registration"), ["not", "an", "object"])  # type: ignore[arg-type]
    assert list(errors) == ["data"]


# --- Masking -----------------------------------------------------------------------------


def test_mask_hides_identifying_fields_from_a_process_only_role(places_and_lists):
    definition = load_shipped("registration")
    clean, _errors = validate_form_data(definition, _registration_data())
    shown = mask(definition, clean | {"smuggled": "x"}, {Sensitivity.PROCESS})
    assert shown["full_name"] == MASKED
    assert shown["date_of_birth"] == MASKED
    assert shown["caregivers"] == MASKED
    assert shown["sex"] == MASKED  # sensitive personal
    assert shown["protection_concerns"] == MASKED  # protection
    assert shown["consent_registration"] is True  # process stays
    assert shown["consent_explained_by"] == "K. Otieno, caseworker"
    assert "smuggled" not in shown  # what the form does not define is never shown
    assert "Amina" not in repr(shown)


def test_mask_works_column_by_column_inside_a_group(places_and_lists):
    definition = load_shipped("registration")
    clean, _errors = validate_form_data(definition, _registration_data())
    shown = mask(definition, clean, {Sensitivity.IDENTIFYING, Sensitivity.PROCESS})
    assert shown["caregivers"] == [
        {"caregiver_relationship": MASKED, "caregiver_name": "Halima", "caregiver_is_caregiver": MASKED}
    ]  # fmt: skip
    assert shown["full_name"] == "Amina Yusuf"
    everything = mask(definition, clean, set(Sensitivity))
    assert everything == clean


def test_fields_by_sensitivity():
    classes = fields_by_sensitivity(load_shipped("registration"))
    assert set(classes) == set(Sensitivity)
    assert "full_name" in classes[Sensitivity.IDENTIFYING]
    assert "caregivers.caregiver_name" in classes[Sensitivity.IDENTIFYING]
    assert "caregivers.caregiver_relationship" in classes[Sensitivity.SENSITIVE_PERSONAL]
    assert "protection_concerns" in classes[Sensitivity.PROTECTION]
    assert "consent_sharing" in classes[Sensitivity.PROCESS]
    assert "full_name" not in classes[Sensitivity.PROCESS]


# --- Stored versions ---------------------------------------------------------------------


def test_storing_the_shipped_forms_is_idempotent(db):
    first = do_store_shipped_forms()
    again = do_store_shipped_forms()
    assert [row.pk for row in first] == [row.pk for row in again]
    rows = FormDefinition.objects.all()
    assert rows.count() == len(SHIPPED_FORMS)
    assert {(r.form_id, r.version, r.agency_id) for r in rows} == {
        (f, 1, None) for f in SHIPPED_FORMS
    }
    assert AuditEntry.objects.filter(action="form.ship").count() == len(SHIPPED_FORMS)


def test_a_changed_shipped_form_becomes_the_next_version(db, monkeypatch):
    do_store_shipped_forms()
    original = storage.shipped_text
    monkeypatch.setattr(
        storage,
        "shipped_text",
        lambda form_id: original(form_id).replace("en: Case closure", "en: Closing the case"),
    )
    do_store_shipped_forms()
    versions = FormDefinition.objects.filter(form_id="closure", agency__isnull=True)
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]
    assert current_form("closure", None).definition["title"]["en"] == "Closing the case"
    assert FormDefinition.objects.filter(form_id="bia").count() == 1


def test_current_form_stores_the_shipped_set_when_missing(db):
    assert current_form("bid", None).version == 1
    with pytest.raises(FormDefinition.DoesNotExist):
        current_form("no_such_form", None)


def _adapted_registration() -> dict[str, Any]:
    definition = load_shipped("registration")
    definition["sections"][1]["fields"].append(
        {
            "id": "school_name",
            "type": "text",
            "label": {"en": "School", "fr": "École", "ar": "المدرسة"},
            "element": "x_school_name",
            "sensitivity": "identifying",
        }
    )
    return definition


def _record(agency, user, form: FormDefinition) -> FormRecord:
    child = Child.objects.create(agency=agency, full_name="Amina Yusuf")
    case = Case.objects.create(case_number="T-2026-1", agency=agency, child=child, risk_level="low")
    return FormRecord.objects.create(case=case, form=form, data="{}", created_by=user)


def test_adapting_adds_a_version_and_old_records_keep_theirs(make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    shipped = current_form("registration", admin.agency)
    record = _record(admin.agency, admin, shipped)
    adapted = do_adapt_form(form_id="registration", definition=_adapted_registration(), actor=admin)
    assert (adapted.version, adapted.agency_id, adapted.created_by_id) == (
        2,
        admin.agency.pk,
        admin.pk,
    )
    assert current_form("registration", admin.agency).pk == adapted.pk
    record.refresh_from_db()
    assert record.form.pk == shipped.pk and record.form.version == 1
    assert FormDefinition.objects.get(pk=shipped.pk).definition == load_shipped("registration")
    other_agency = AgencyFactory()
    assert current_form("registration", other_agency).pk == shipped.pk
    entry = AuditEntry.objects.get(action="form.adapt")
    assert entry.object_id == "registration@2" and entry.actor == admin.username
    again = do_adapt_form(form_id="registration", definition=_adapted_registration(), actor=admin)
    assert again.pk == adapted.pk  # nothing changed, no new version


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.IM_OFFICER])
def test_agency_admins_and_im_officers_adapt(make_user, role):
    actor = make_user(role)
    adapted = do_adapt_form(form_id="registration", definition=_adapted_registration(), actor=actor)
    assert adapted.version == 2


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR])
def test_others_cannot_adapt(make_user, role):
    with pytest.raises(NotAllowed):
        do_adapt_form(
            form_id="registration", definition=_adapted_registration(), actor=make_user(role)
        )
    assert not FormDefinition.objects.filter(agency__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="form.adapt").exists()


def test_a_bad_adaptation_stores_nothing(make_user):
    admin = make_user(Role.AGENCY_ADMIN)
    bad = _adapted_registration()
    bad["sections"][1]["fields"][-1]["type"] = "essay"
    with pytest.raises(ActionError) as failure:
        do_adapt_form(form_id="registration", definition=bad, actor=admin)
    assert failure.value.field == "definition"
    last = len(bad["sections"][1]["fields"]) - 1
    assert f"sections[1].fields[{last}].type: expected one of text" in failure.value.message
    renamed = _adapted_registration() | {"id": "intake"}
    with pytest.raises(ActionError, match="id: must stay registration"):
        do_adapt_form(form_id="registration", definition=renamed, actor=admin)
    with pytest.raises(ActionError, match="step: must stay registration"):
        do_adapt_form(form_id="registration", definition=load_shipped("bia") | {"id": "registration"}, actor=admin)  # fmt: skip
    with pytest.raises(ActionError) as unknown:
        do_adapt_form(form_id="intake", definition=_adapted_registration(), actor=admin)
    assert unknown.value.field == "form_id"
    assert not FormDefinition.objects.filter(agency__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="form.adapt").exists()


# --- Rendering ---------------------------------------------------------------------------


def _post(**fields: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "registration_date": "2026-03-02",
        "full_name": "Amina Yusuf",
        "date_of_birth": "2014-03-02",
        "sex": "female",
        "location": "KS0101",
        "care_arrangement": "kinship",
        "protection_concerns": ["neglect"],
        "reason_for_registration": "Lives with an aunt.",
        "risk_level": "medium",
        "consent_given_by": "relative",
        "consent_registration": "yes",
        "consent_sharing": "no",
        "consent_explained_by": "K. Otieno",
        "consent_date": "2026-03-02",
        "caregivers-TOTAL_FORMS": "2",
        "caregivers-INITIAL_FORMS": "0",
        "caregivers-MIN_NUM_FORMS": "0",
        "caregivers-MAX_NUM_FORMS": "1000",
        "caregivers-0-caregiver_relationship": "relative",
        "caregivers-0-caregiver_name": "Halima",
        "caregivers-0-caregiver_is_caregiver": "yes",
    }
    data.update(fields)
    return data


def test_the_built_form_renders_in_the_callers_language(places_and_lists):
    with translation.override("ar"):
        form_class = build_form_class(load_shipped("registration"))
        form = form_class()
    assert form.fields["full_name"].label == "الاسم الكامل للطفل"
    assert form.fields["full_name"].required
    assert ("neglect", "Neglect") in list(form.fields["protection_concerns"].choices)
    assert ("KS0101", "\u2003North Camp") in list(form.fields["location"].choices)
    french = build_form_class(load_shipped("registration"), "fr")()
    assert french.fields["sex"].label == "Sexe"
    assert "caregivers" in french.formsets and "caregivers" not in french.fields


def test_the_built_form_cleans_through_validate_form_data(places_and_lists):
    form_class = build_form_class(load_shipped("registration"), "en")
    form = form_class(data=_post())
    assert form.is_valid(), (form.errors, [f.errors for f in form.formsets["caregivers"]])
    assert form.form_data["consent_registration"] is True
    assert form.form_data["protection_concerns"] == ["neglect"]
    assert form.form_data["caregivers"] == [
        {"caregiver_relationship": "relative", "caregiver_name": "Halima", "caregiver_is_caregiver": True}
    ]  # fmt: skip
    assert form.form_data["date_of_birth"] == "2014-03-02"

    bad = form_class(data=_post(date_of_birth="yesterday", sex="robot"))
    assert not bad.is_valid()
    assert set(bad.errors) >= {"date_of_birth", "sex"}


def test_the_built_form_shows_a_stored_record(places_and_lists):
    definition = load_shipped("registration")
    clean, _errors = validate_form_data(definition, _registration_data())
    form = build_form_class(definition, "en")(record_data=clean)
    assert form.initial["consent_sharing"] == "no"
    assert form.formsets["caregivers"].initial[0]["caregiver_name"] == "Halima"


def test_a_bad_group_row_makes_the_built_form_invalid(places_and_lists):
    form = build_form_class(load_shipped("registration"), "en")(
        data=_post(**{"caregivers-0-caregiver_name": ""})
    )
    assert not form.is_valid()
    assert form.formsets["caregivers"].errors[0] == {"caregiver_name": ["This field is required."]}
    assert form.non_field_errors() == []  # the row's own error, not a second one for the group
