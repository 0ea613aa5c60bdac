"""scripts/i18n.py: extraction, merging, compiling, and the --check gate CI relies on."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import polib
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "i18n.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("amana_i18n_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


i18n = _load_script()
FRENCH = i18n.LANGUAGES[0]
ARABIC = i18n.LANGUAGES[1]

PYTHON_SOURCE = """
from django.utils.translation import gettext, gettext_lazy as _, ngettext, pgettext

LABEL = _("Plain")
LAZY = gettext_lazy("Lazy")
MENU = pgettext("menu", "Open")
# Translators: shown on the case card
NOTE = _("Commented")

def count(n, x, variable):
    gettext(variable)
    _(f"Bad {x}")
    return ngettext("%(n)s child", "%(n)s children", n) % {"n": n}
"""

TEMPLATE_SOURCE = """{% load i18n %}
<h1>{% translate "Title" %}</h1>
<p>{% blocktranslate with name=user.username %}Welcome, {{ name }}{% endblocktranslate %}</p>
{% blocktranslate trimmed %}
  Spread over
  two lines
{% endblocktranslate %}
{% blocktranslate count n=items|length %}One item{% plural %}{{ n }} items{% endblocktranslate %}
{% translate "Open" context "door" %}
{{ value|default:_("Nothing") }}
{% translate "Plain" %}
"""


def _tree(root: Path, files: dict[str, str]) -> Path:
    source = root / "src" / "app"
    for name, text in files.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return source


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return _tree(
        tmp_path,
        {
            "module.py": PYTHON_SOURCE,
            "templates/app/page.html": TEMPLATE_SOURCE,
            "migrations/0001_initial.py": '_("Not extracted")\n',
            "static/app/readme.txt": "{% translate 'Not a template' %}",
        },
    )


def _messages(source: Path) -> dict[tuple[str | None, str], object]:
    return {message.key: message for message in i18n.extract(source).messages}


def test_extracts_python_calls_with_context_plurals_and_translator_comments(source):
    messages = _messages(source)
    assert {(None, "Plain"), (None, "Lazy"), ("menu", "Open"), (None, "Commented")} <= set(messages)
    assert messages[(None, "%(n)s child")].msgid_plural == "%(n)s children"
    assert messages[(None, "Commented")].comments == ["Translators: shown on the case card"]
    assert messages[(None, "Plain")].comments == []


def test_extracts_template_tags_as_django_does(source):
    messages = _messages(source)
    assert (None, "Title") in messages
    assert (None, "Welcome, %(name)s") in messages
    assert (None, "Spread over two lines") in messages
    assert messages[(None, "One item")].msgid_plural == "%(n)s items"
    assert ("door", "Open") in messages
    assert (None, "Nothing") in messages


def test_merges_duplicates_and_skips_migrations_and_static(source):
    messages = _messages(source)
    assert messages[(None, "Plain")].locations == ["app/module.py", "app/templates/app/page.html"]
    assert (None, "Not extracted") not in messages
    assert (None, "Not a template") not in messages


def test_f_strings_in_gettext_are_reported(source):
    assert i18n.extract(source).problems == ["app/module.py:12: f-string passed to _()"]


def _translate_all(locale: Path, language) -> None:
    path = i18n.po_path(locale, language)
    catalog = polib.pofile(str(path))
    for entry in catalog:
        if entry.msgid_plural:
            entry.msgstr_plural = {k: f"[{k}] {entry.msgid_plural}" for k in entry.msgstr_plural}
        else:
            entry.msgstr = f"«{entry.msgid}»"
    catalog.save(str(path))
    i18n.compile_catalog(path)


def test_update_writes_po_and_mo_with_the_right_plural_forms(source, tmp_path):
    locale = tmp_path / "locale"
    i18n.update(source, locale, i18n.LANGUAGES)
    arabic = polib.pofile(str(i18n.po_path(locale, ARABIC)))
    assert arabic.metadata["Plural-Forms"] == ARABIC.plural_forms
    plural = arabic.find("%(n)s child")
    assert plural is not None and sorted(plural.msgstr_plural) == [0, 1, 2, 3, 4, 5]
    assert "python-format" in arabic.find("Welcome, %(name)s").flags
    assert i18n.po_path(locale, FRENCH).with_suffix(".mo").exists()


def test_update_keeps_translations_and_keeps_removed_ones_as_obsolete(source, tmp_path):
    locale = tmp_path / "locale"
    i18n.update(source, locale, [FRENCH])
    _translate_all(locale, FRENCH)
    (source / "module.py").write_text('_("Lazy")\n_("Brand new")\n', encoding="utf-8")
    i18n.update(source, locale, [FRENCH])
    catalog = polib.pofile(str(i18n.po_path(locale, FRENCH)))
    assert catalog.find("Lazy").msgstr == "«Lazy»"
    assert catalog.find("Brand new").msgstr == ""
    assert catalog.find("Commented", include_obsolete_entries=True).obsolete
    (source / "module.py").write_text('_("Commented")\n', encoding="utf-8")
    i18n.update(source, locale, [FRENCH])
    restored = polib.pofile(str(i18n.po_path(locale, FRENCH))).find("Commented")
    assert restored.msgstr == "«Commented»" and not restored.obsolete


def test_update_is_idempotent(source, tmp_path):
    locale = tmp_path / "locale"
    i18n.update(source, locale, i18n.LANGUAGES)
    before = {p: p.read_bytes() for p in locale.rglob("*.*")}
    i18n.update(source, locale, i18n.LANGUAGES)
    assert {p: p.read_bytes() for p in locale.rglob("*.*")} == before


def _checked_catalog(source: Path, locale: Path) -> Path:
    (source / "module.py").write_text('_("One")\n_("Two")\n_("Hello %(name)s")\n')
    (source / "templates/app/page.html").unlink()
    i18n.update(source, locale, [FRENCH])
    _translate_all(locale, FRENCH)
    assert i18n.check(source, locale, [FRENCH]) == []
    return i18n.po_path(locale, FRENCH)


def test_check_reports_missing_untranslated_fuzzy_placeholders_and_stale_mo(source, tmp_path):
    locale = tmp_path / "locale"
    path = _checked_catalog(source, locale)
    catalog = polib.pofile(str(path))
    catalog.find("One").msgstr = ""
    catalog.find("Two").flags.append("fuzzy")
    catalog.find("Hello %(name)s").msgstr = "Bonjour %(nom)s"
    catalog.save(str(path))
    with (source / "module.py").open("a") as handle:
        handle.write('_("Three")\n')
    problems = i18n.check(source, locale, [FRENCH])
    assert problems == [
        "fr: untranslated: 'One' (app/module.py)",
        "fr: fuzzy: 'Two' (app/module.py)",
        "fr: placeholders differ from the original: 'Hello %(name)s' (app/module.py)",
        "fr: missing: 'Three' (app/module.py)",
        f"fr: {path.with_suffix('.mo')} is stale; run scripts/i18n.py",
    ]


def test_check_reports_a_missing_catalogue(source, tmp_path):
    (source / "module.py").write_text('_("One")\n')
    problems = i18n.check(source, tmp_path / "nowhere", [ARABIC])
    assert len(problems) == 1 and "is missing" in problems[0]


@pytest.mark.parametrize(
    ("msgid", "msgstr", "ok"),
    [
        ("Hello %(name)s", "Bonjour %(name)s", True),
        ("Hello %(name)s", "Bonjour", False),
        ("%(a)s and %(b)s", "%(b)s et %(a)s", True),
        ("100%% sure", "sûr à 100 %%", True),
        ("100%% sure", "sûr à 100 %", False),
        ("%s of %s", "%s sur %s", True),
        ("%s of %s", "%s", False),
        ("No format here", "Pas de format", True),
    ],
)
def test_placeholder_rules(msgid, msgstr, ok):
    message = i18n.Message(msgid=msgid)
    entry = polib.POEntry(msgid=msgid, msgstr=msgstr)
    assert (i18n.placeholder_problem(message, entry) is None) is ok


def test_every_message_in_amana_is_translated_into_french_and_arabic():
    problems = i18n.check()
    assert problems == [], "run .venv/bin/python scripts/i18n.py and translate:\n" + "\n".join(
        problems
    )


def test_check_mode_exit_code(capsys):
    assert i18n.main(["--check"]) == 0
    assert capsys.readouterr().err == ""
