"""The form renderer: Django's, with its most repeated templates written in Python.

Django renders every form field through templates: the field group, its label, its error
list, the widget and — for a select, checkboxes or radio buttons — one included template per
option, with another for that option's attributes. A select of 120 places cost 240 template
renders. The case page's edit form made that a third of the page's time.

`FastRenderer` writes these templates' output directly, character for character what
Django's templates write (tests/core/test_formrender.py compares the two on the case pages'
forms, the log-in forms, every shipped case management form and a form using every feature
of the templates): `django/forms/field.html`, `label.html`, `errors/list/default.html`, and
the widgets `select.html`, `checkbox_select.html` and `radio.html` with their options,
`textarea.html`, `multiple_hidden.html` and the inputs that only include `input.html`
(text, hidden, checkbox, number, date …). Any other template, or an option drawn by another
template than Django's own, goes to Django's templates as before. An <option> of plain text
is written once per process and reused. It is `FORM_RENDERER` in the settings.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import (  # type: ignore[attr-defined]
    template_localtime,
)

SELECT_OPTION = "django/forms/widgets/select_option.html"
INPUT_OPTIONS = frozenset(
    {"django/forms/widgets/checkbox_option.html", "django/forms/widgets/radio_option.html"}
)


class NotMine(Exception):
    """The context asks for a template this module does not write: Django's renders it."""


def _var(value: Any) -> str:
    """`{{ value }}` in an autoescaping template."""
    if type(value) is str:  # the common case, as escape() does it, without its lazy wrapper
        return html.escape(value)
    shown = localize(template_localtime(value))
    if not issubclass(type(shown), str):
        shown = str(shown)
    return str(conditional_escape(shown))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        text = ""
    # As the filter, which keeps a safe value safe (is_safe=True).
    return _var(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs: Mapping[str, Any] | None) -> str:
    """`django/forms/widgets/attrs.html` (the same as `django/forms/attrs.html`)."""
    parts = []
    for name, value in (attrs or {}).items():
        if value is False:
            continue
        parts.append(" " + _var(name))
        if value is not True:
            parts.append('="' + _formatted(value) + '"')
    return "".join(parts)


def _lookup(mapping: Mapping[str, Any], key: str) -> Any:
    """`{{ mapping.key }}`: a missing key reads as the empty string."""
    return mapping.get(key, "")


# An included template keeps the line end its file ends with: input.html, input_option.html
# and checkbox_option.html / radio_option.html each add one.


def _input(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/input.html, included."""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 - as {% if %}
    return (
        f'<input type="{_var(widget["type"])}" name="{_var(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>\n"
    )


def _input_option(option: Mapping[str, Any]) -> str:
    """checkbox_option.html or radio_option.html, included: input_option.html and a line end."""
    if option["template_name"] not in INPUT_OPTIONS:
        raise NotMine
    if not option["wrap_label"]:
        return _input(option) + "\n\n"
    id_ = _lookup(option["attrs"], "id")
    opening = f'<label for="{_var(id_)}">' if id_ else "<label>"
    return f"{opening}{_input(option)} {_var(option['label'])}</label>\n\n"


# The <option> of a plain text value and label, selected or not, written once per process:
# the places of a select are the same on every page.
_OPTIONS: dict[tuple[str, str, bool], str] = {}
OPTIONS_KEPT = 20_000
SELECTED = {"selected": True}


def _option(option: Mapping[str, Any]) -> str:
    """django/forms/widgets/select_option.html, included."""
    if option["template_name"] != SELECT_OPTION:
        raise NotMine
    value, label, attrs = option["value"], option["label"], option["attrs"]
    plain = type(value) is str and type(label) is str and (not attrs or attrs == SELECTED)
    key = (value, label, bool(attrs)) if plain else None
    if key is not None and key in _OPTIONS:
        return _OPTIONS[key]
    written = f'<option value="{_formatted(value)}"{_attrs(attrs)}>{_var(label)}</option>\n'
    if key is not None and len(_OPTIONS) < OPTIONS_KEPT:
        _OPTIONS[key] = written
    return written


def select(context: Mapping[str, Any]) -> str:
    widget = context["widget"]
    out = [f'<select name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_var(group_name)}">')
        out.extend("\n  " + _option(option) for option in options)
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def multiple_input(context: Mapping[str, Any]) -> str:
    widget = context["widget"]
    id_ = _lookup(widget["attrs"], "id")
    css = _lookup(widget["attrs"], "class")
    out = [
        "<div",
        f' id="{_var(id_)}"' if id_ else "",
        f' class="{_var(css)}"' if css else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_var(group)}</label>")
        for option in options:
            out.append(f"<div>\n    {_input_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")
    return "".join(out)


def label(context: Mapping[str, Any]) -> str:
    if not context["use_tag"]:
        return _var(context["label"]).strip()
    tag = _var(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_var(context['label'])}</{tag}>"


def error_list(context: Mapping[str, Any]) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    shown = f' id="{_var(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_var(error)}</li>" for error in errors)
    return f'<ul class="{_var(context["error_class"])}"{shown}>{items}</ul>'


def field(context: Mapping[str, Any]) -> str:
    bound = context["field"]
    if bound.use_fieldset:
        described = bound.aria_describedby
        opening = f'<fieldset aria-describedby="{_var(described)}">' if described else "<fieldset>"
        heading = _var(bound.legend_tag()) if bound.label else ""
        out = f"\n  {opening}\n  {heading}\n"
    else:
        out = "\n  " + (_var(bound.label_tag()) if bound.label else "") + "\n"
    out += "\n"
    if bound.help_text:
        id_ = f' id="{_var(bound.auto_id)}_helptext"' if bound.auto_id else ""
        shown = _var(mark_safe(str(bound.help_text)))  # noqa: S308 - as {{ help_text|safe }}
        out += f'<div class="helptext"{id_}>{shown}</div>'
    out += "\n" + _var(bound.errors) + "\n" + _var(bound)
    if bound.use_fieldset:
        out += "</fieldset>"
    return out + "\n"


def input_widget(context: Mapping[str, Any]) -> str:
    """text.html, hidden.html, checkbox.html … : each only includes input.html."""
    return _input(context["widget"])


def multiple_hidden(context: Mapping[str, Any]) -> str:
    """multiple_hidden.html: its subwidgets' inputs, the space between them taken out
    ({% spaceless %})."""
    subwidgets = context["widget"]["subwidgets"]
    if any(sub["template_name"] not in INPUT_TEMPLATES for sub in subwidgets):
        raise NotMine
    return "".join(_input(sub).strip() for sub in subwidgets)


def textarea(context: Mapping[str, Any]) -> str:
    widget = context["widget"]
    value = _var(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


INPUTS = (
    *("checkbox", "color", "date", "datetime", "email", "hidden", "number", "password"),
    *("search", "tel", "text", "time", "url"),
)
INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{kind}.html" for kind in INPUTS)
WRITERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **dict.fromkeys(INPUT_TEMPLATES, input_widget),
    "django/forms/widgets/multiple_hidden.html": multiple_hidden,
    "django/forms/widgets/textarea.html": textarea,
    "django/forms/widgets/select.html": select,
    "django/forms/widgets/checkbox_select.html": multiple_input,
    "django/forms/widgets/radio.html": multiple_input,
    "django/forms/label.html": label,
    "django/forms/errors/list/default.html": error_list,
    "django/forms/field.html": field,
}


class FastRenderer(DjangoTemplates):
    def render(self, template_name: str, context: Any, request: Any = None) -> str:
        writer = WRITERS.get(template_name)
        if writer is not None:
            try:
                return writer(context).strip()
            except NotMine:
                pass
        return str(super().render(template_name, context, request))
