"""Adapting forms in the app: versions kept, records keep theirs, problems named by key path."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from django.test import Client

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.caseforms.actions import current_form
from amana.caseforms.formdefs import load_shipped
from amana.caseforms.models import FormDefinition, FormRecord
from amana.caseforms.views.form_admin import definition_yaml
from amana.cases.models import Case, Child
from tests.core.pages import csp_violations
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST = "/cases/forms-admin/"
EDIT = "/cases/forms-admin/registration/"
TEXTAREA = re.compile(r'<textarea name="definition"([^>]*)>\n?(.*?)</textarea>', re.S)


@pytest.fixture
def admin(agency):
    return UserFactory(roles=[Role.AGENCY_ADMIN], agency=agency, username="admin.a")


def _as(client, user):
    client.force_login(user)
    return client


def _textarea(response) -> tuple[str, str]:
    found = TEXTAREA.search(response.content.decode())
    assert found, "no definition textarea"
    return found.group(1), html.unescape(found.group(2))


def _record(user, form: FormDefinition) -> FormRecord:
    child = Child.objects.create(agency=user.agency, full_name="Amina Yusuf")
    case = Case.objects.create(case_number="T-2026-1", agency=user.agency, child=child, risk_level="low")  # fmt: skip
    return FormRecord.objects.create(case=case, form=form, data="{}", created_by=user)


def _retitled(text: str, title: str) -> str:
    data = yaml.safe_load(text)
    data["title"]["en"] = title
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_the_yaml_shown_reads_back_as_the_stored_definition(admin):
    shipped = current_form("registration", admin.agency)
    assert yaml.safe_load(definition_yaml(shipped.definition)) == shipped.definition
    assert definition_yaml(shipped.definition).startswith("id: registration\ntitle: {en: ")


def test_admin_adapts_a_form_and_old_records_keep_their_version(client, admin):
    shipped = current_form("registration", admin.agency)
    record = _record(admin, shipped)
    page = _as(client, admin).get(EDIT)
    assert page.status_code == 200 and csp_violations(page.content) == []
    attrs, text = _textarea(page)
    assert 'dir="ltr"' in attrs and 'class="code"' in attrs
    assert yaml.safe_load(text) == shipped.definition

    saved = client.post(EDIT, {"definition": _retitled(text, "Intake (NGO A)"), "based_on": "1"})
    assert saved.status_code == 302 and saved["Location"] == LIST
    adapted = current_form("registration", admin.agency)
    assert (adapted.version, adapted.agency_id, adapted.created_by_id) == (2, admin.agency.pk, admin.pk)  # fmt: skip
    assert adapted.definition["title"]["en"] == "Intake (NGO A)"
    record.refresh_from_db()
    assert record.form.pk == shipped.pk and record.form.version == 1
    assert FormDefinition.objects.get(pk=shipped.pk).definition == load_shipped("registration")
    assert AuditEntry.objects.get(action="form.adapt").object_id == "registration@2"

    listing = client.get(LIST).content.decode()
    assert "Version 2, adapted by your agency" in listing
    assert "Version 2: saved by <bdi>admin.a</bdi>" in listing
    assert "Version 1: shipped with Amana" in listing
    assert "Intake (NGO A)" in listing


def test_saving_the_text_unchanged_stores_no_version(client, admin):
    _attrs, text = _textarea(_as(client, admin).get(EDIT))
    response = client.post(EDIT, {"definition": text, "based_on": "1"}, follow=True)
    assert "Nothing changed" in response.content.decode()
    assert not FormDefinition.objects.filter(agency__isnull=False).exists()


def test_im_officer_adapts_too(client, agency):
    officer = UserFactory(roles=[Role.IM_OFFICER], agency=agency)
    _attrs, text = _textarea(_as(client, officer).get(EDIT))
    assert client.post(EDIT, {"definition": _retitled(text, "Intake"), "based_on": "1"}).status_code == 302  # fmt: skip
    assert current_form("registration", agency).version == 2


def test_bad_yaml_is_refused_with_its_line_and_the_text_kept(client, admin):
    typed = "id: registration\nsections: [unclosed\n  - x: ["
    response = _as(client, admin).post(EDIT, {"definition": typed, "based_on": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "not valid YAML or JSON (line" in page
    assert _textarea(response)[1] == typed
    assert not FormDefinition.objects.filter(agency__isnull=False).exists()


def test_a_bad_definition_lists_every_problem_by_key_path(client, admin):
    _attrs, text = _textarea(_as(client, admin).get(EDIT))
    data = yaml.safe_load(text)
    data["sections"][0]["fields"][0]["type"] = "essay"
    data["sections"][1]["fields"][0]["label"] = {"fr": "Sans anglais"}
    data["approval"] = "sometimes"
    typed = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    response = client.post(EDIT, {"definition": typed, "based_on": "1"})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "sections[0].fields[0].type: expected one of text, long_text" in page
    assert "sections[1].fields[0].label.en: required (the English text)" in page
    assert "approval: expected one of none, supervisor" in page
    assert "cannot be saved: 3 problems" in page
    assert _textarea(response)[1] == typed
    assert not FormDefinition.objects.filter(agency__isnull=False).exists()


def test_changing_the_form_id_or_step_is_refused_with_the_key(client, admin):
    _attrs, text = _textarea(_as(client, admin).get(EDIT))
    typed = text.replace("id: registration\n", "id: intake\n", 1)
    response = client.post(EDIT, {"definition": typed, "based_on": "1"})
    assert response.status_code == 400
    assert "id: must stay registration" in response.content.decode()
    assert _textarea(response)[1] == typed


def test_a_save_after_someone_elses_is_a_conflict_keeping_the_text(client, admin):
    _attrs, text = _textarea(_as(client, admin).get(EDIT))
    colleague = UserFactory(roles=[Role.IM_OFFICER], agency=admin.agency, username="im.a")
    from amana.caseforms.actions import do_adapt_form

    do_adapt_form(form_id="registration", definition=yaml.safe_load(_retitled(text, "Theirs")), actor=colleague)  # fmt: skip
    mine = _retitled(text, "Mine")
    response = client.post(EDIT, {"definition": mine, "based_on": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Version 2 was saved by <bdi>im.a</bdi>" in page
    assert _textarea(response)[1] == mine
    assert 'name="based_on" value="2"' in page
    assert client.post(EDIT, {"definition": mine, "based_on": "2"}).status_code == 302
    assert current_form("registration", admin.agency).definition["title"]["en"] == "Mine"


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.DP_FOCAL_POINT])  # fmt: skip
def test_roles_without_form_manage_are_refused(client, agency, role):
    user = UserFactory(roles=[role], agency=agency)
    _as(client, user)
    assert client.get(LIST).status_code == 403
    assert client.get(EDIT).status_code == 403
    text = definition_yaml(current_form("registration", agency).definition)
    assert client.post(EDIT, {"definition": _retitled(text, "X"), "based_on": "1"}).status_code == 403  # fmt: skip
    assert not FormDefinition.objects.filter(agency__isnull=False).exists()
    assert 'href="/cases/forms-admin/"' not in client.get("/").content.decode()


def test_the_nav_links_forms_for_form_managers(client, admin):
    home = _as(client, admin).get("/").content.decode()
    assert 'href="/cases/forms-admin/"' in home
    listing = client.get(LIST).content.decode()
    assert 'href="/cases/forms-admin/" aria-current="page"' in listing


def test_another_agencys_adaptation_is_not_visible(client, admin):
    other = UserFactory(roles=[Role.AGENCY_ADMIN], agency=AgencyFactory(), username="admin.b")
    text = definition_yaml(current_form("registration", other.agency).definition)
    _as(Client(), other).post(
        EDIT, {"definition": _retitled(text, "Their intake"), "based_on": "1"}
    )
    assert current_form("registration", other.agency).version == 2

    listing = _as(client, admin).get(LIST).content.decode()
    assert "Their intake" not in listing and "admin.b" not in listing
    assert "Version 2" not in listing
    _attrs, shown = _textarea(client.get(EDIT))
    assert "Their intake" not in shown
    assert yaml.safe_load(shown) == load_shipped("registration")


def test_an_unknown_form_is_not_found(client, admin):
    response = _as(client, admin).get("/cases/forms-admin/intake/")
    assert response.status_code == 404
    assert "There is no form" in response.content.decode()
