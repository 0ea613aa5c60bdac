"""The fast form renderer writes exactly what Django's templates write: the same forms rendered
both ways give the same text, character for character."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from amana.accounts.forms import LoginForm, PasswordChangeForm, TokenForm
from amana.caseforms.formdefs import SHIPPED_FORMS, build_form_class, load_shipped
from amana.cases.webforms import (
    AssignForm,
    CaseEditForm,
    CaseFilterForm,
    ChildForm,
    PersonForm,
    RegisterCaseForm,
    ReopenForm,
    SupervisorForm,
)
from amana.core.formrender import FastRenderer
from tests.cases.helpers import ensure_lookups

DJANGO = DjangoTemplates()
FAST = FastRenderer()


def rendered(make: Callable[..., forms.Form]) -> tuple[str, str]:
    """The whole form as the pages draw it (core/form_fields.html), by each renderer."""

    def draw(renderer: Any) -> str:
        form = make(renderer=renderer)
        parts = [str(form.non_field_errors())]
        parts += [str(field) for field in form.hidden_fields()]
        parts += [str(field.as_field_group()) for field in form.visible_fields()]
        parts += [str(field.label_tag()) + str(field.errors) for field in form.visible_fields()]
        return "\n".join(parts)

    return draw(DJANGO), draw(FAST)


class Everything(forms.Form):
    """Every feature of the templates the fast renderer writes."""

    place = forms.ChoiceField(
        label=gettext_lazy("Place & <region>"),
        help_text=mark_safe("Pick <em>one</em>."),
        choices=[
            ("", "—"),
            ("North", [("n1", "North <1>"), ("n2", 'North "2"')]),
            ("s&1", "South & co"),
            (3, 3),
        ],
    )
    places = forms.MultipleChoiceField(
        required=False,
        choices=[("a", "A"), ("Group", [("b", "B"), ("c", "C")])],
        widget=forms.SelectMultiple(attrs={"size": 4, "data-x": True, "data-off": False}),
    )
    ticks = forms.MultipleChoiceField(
        required=False,
        choices=[("x", "X <x>"), ("Both", [("y", "Y"), ("z", "Z")])],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline & wide"}),
        help_text="Tick any.",
    )
    level = forms.ChoiceField(
        choices=[("high", "High"), ("low", "Low")], widget=forms.RadioSelect, initial="low"
    )
    number = forms.IntegerField(initial=1234567, help_text=gettext_lazy("A number"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h<i>")
    agree = forms.BooleanField(label="")
    kept = forms.CharField(initial='was "this"', show_hidden_initial=True, max_length=9)
    mail = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, widget=forms.Textarea, initial="a < b\nc")
    both = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b&", "B")], initial=["a", "b&"], show_hidden_initial=True
    )
    none = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.MultipleHiddenInput)

    def clean(self) -> dict[str, Any]:
        self.add_error(None, "Something <wrong> & more")
        return super().clean() or {}


BOUND = {
    "place": "n2",
    "places": ["b", "zz"],
    "ticks": ["y"],
    "level": "bad",
    "number": "x",
    "kept": "now & then",
    "secret": "s<3",
    "when": "2026-13-01",
    "notes": "",
}


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(
    "make",
    [
        Everything,
        lambda **kw: Everything(BOUND, **kw),
        lambda **kw: Everything(auto_id=False, **kw),
        lambda **kw: Everything(BOUND, auto_id="f_%s", prefix="p", **kw),
    ],
)
def test_every_feature_renders_the_same(make, language):
    with override(language):
        django, fast = rendered(make)
    assert fast == django


@pytest.mark.django_db
def test_the_case_forms_render_the_same(make_user, agency):
    ensure_lookups()
    supervisor = make_user("supervisor", agency=agency, username="boss.x")
    worker = make_user("caseworker", agency=agency, username="worker.x")
    facts = {"risk_level": "high", "concerns": ["neglect"], "location": "XX-C1-B1", "version": 3}
    makers = [
        lambda **kw: CaseEditForm(initial=facts, **kw),
        lambda **kw: CaseEditForm({"risk_level": "none", "location": "nowhere"}, **kw),
        lambda **kw: CaseFilterForm({"risk": "high", "concern": "neglect"}, **kw),
        lambda **kw: CaseFilterForm({"risk": "??"}, **kw),
        ChildForm,
        lambda **kw: ChildForm({"full_name": "", "date_of_birth": "3000-01-01"}, **kw),
        PersonForm,
        lambda **kw: RegisterCaseForm(agency_id=agency.pk, **kw),
        lambda **kw: AssignForm(colleagues=[worker, supervisor], **kw),
        lambda **kw: SupervisorForm(
            agency_id=agency.pk, initial={"supervisor": supervisor.pk}, **kw
        ),
        lambda **kw: ReopenForm({"reason": ""}, **kw),
        lambda **kw: LoginForm({"username": "a<b"}, **kw),
        TokenForm,
        PasswordChangeForm,
    ]
    for make in makers:
        django, fast = rendered(make)
        assert fast == django


@pytest.mark.django_db
@pytest.mark.parametrize("form_id", SHIPPED_FORMS)
def test_the_shipped_case_management_forms_render_the_same(form_id):
    ensure_lookups()
    form_class = build_form_class(load_shipped(form_id), "fr")
    for make in (form_class, lambda **kw: form_class({"x": "1"}, **kw)):
        django, fast = rendered(make)
        assert fast == django
