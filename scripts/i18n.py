#!/usr/bin/env python3
"""Extract, merge and compile Amana's translations in pure Python (no GNU gettext needed).

    .venv/bin/python scripts/i18n.py          extract from src/amana, update each .po, compile .mo
    .venv/bin/python scripts/i18n.py --check  exit 1 if a message is missing, untranslated or
                                              fuzzy, a placeholder is wrong, or a .mo is stale

Messages come from Python (`_`, `gettext`, `gettext_lazy`, `ngettext`, `pgettext`, … with literal
arguments, found through the ast) and from templates (`{% translate %}`, `{% blocktranslate %}`,
`_("…")` in tags, read with Django's own `templatize`). Existing translations are kept; messages
no longer in the code are kept as obsolete (`#~`) entries so their translations can come back.
See docs/i18n.md.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polib
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT / "src" / "amana"
LOCALE_DIR = SOURCE_DIR / "locale"
DOMAIN = "django"
PROJECT = "Amana"
SKIP_DIRS = frozenset({"migrations", "locale", "static", "__pycache__"})
TEMPLATE_SUFFIXES = (".html", ".txt")
TRANSLATOR_MARK = "Translators"

# Keyword -> (context argument, singular argument, plural argument), as in Django's makemessages.
KEYWORDS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
# printf-style conversions Python's % operator accepts, named or not, and the %% escape.
FORMAT_SPEC = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    plural_forms: str

    @property
    def nplurals(self) -> int:
        match = re.search(r"nplurals\s*=\s*(\d+)", self.plural_forms)
        return int(match.group(1)) if match else 2


LANGUAGES = (
    Language("fr", "French", "nplurals=2; plural=(n > 1);"),
    Language(
        "ar",
        "Arabic",
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
        "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    ),
)


@dataclass
class Message:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    locations: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def python_format(self) -> bool:
        return any(FORMAT_SPEC.search(text) for text in (self.msgid, self.msgid_plural))


@dataclass
class Extraction:
    messages: list[Message] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# --- Extraction -------------------------------------------------------------------------------


def _source_files(source_dir: Path) -> Iterator[Path]:
    for path in sorted(source_dir.rglob("*")):
        if not path.is_file() or SKIP_DIRS.intersection(path.relative_to(source_dir).parts):
            continue
        if path.suffix == ".py" or _is_template(path, source_dir):
            yield path


def _is_template(path: Path, source_dir: Path) -> bool:
    return path.suffix in TEMPLATE_SUFFIXES and "templates" in path.relative_to(source_dir).parts


def _translator_comments(source: str) -> dict[int, str]:
    """Last line of each `# Translators: …` comment block -> the block's text."""
    found: dict[int, str] = {}
    block: list[str] = []
    last = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        line, text = token.start[0], token.string.lstrip("#").strip()
        if text.startswith(TRANSLATOR_MARK):
            block = [text]
        elif block and line == last + 1:
            block.append(text)
            found.pop(last)
        else:
            block = []
            continue
        found[line] = " ".join(block)
        last = line
    return found


def _comment_for(comments: dict[int, str], line: int) -> list[str]:
    """The comment ending on this line or the one before; each comment serves one call."""
    for candidate in (line, line - 1):
        if candidate in comments:
            return [comments.pop(candidate)]
    return []


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _literal(args: list[ast.expr], index: int | None) -> str | None:
    if index is None or index >= len(args):
        return None
    arg = args[index]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    return None


def _message_from_call(node: ast.Call, name: str) -> Message | None:
    context_at, singular_at, plural_at = KEYWORDS[name]
    msgid = _literal(node.args, singular_at)
    if msgid is None:
        return None
    plural = _literal(node.args, plural_at) if plural_at is not None else ""
    context = _literal(node.args, context_at) if context_at is not None else None
    if plural is None or (context_at is not None and context is None):
        return None
    return Message(msgid=msgid, msgid_plural=plural, msgctxt=context)


def _python_calls(tree: ast.Module) -> list[tuple[str, ast.Call]]:
    calls = []
    for node in ast.walk(tree):
        name = _call_name(node) if isinstance(node, ast.Call) else None
        if name in KEYWORDS and isinstance(node, ast.Call):
            calls.append((name, node))
    return sorted(calls, key=lambda item: (item[1].lineno, item[1].col_offset))


def _python_messages(source: str, where: str) -> Extraction:
    try:
        tree = ast.parse(source, filename=where)
    except SyntaxError as exc:
        return Extraction(problems=[f"{where}:{exc.lineno}: cannot parse ({exc.msg})"])
    result = Extraction()
    comments = _translator_comments(source)
    for name, node in _python_calls(tree):
        if node.args and isinstance(node.args[0], ast.JoinedStr):
            result.problems.append(f"{where}:{node.lineno}: f-string passed to {name}()")
            continue
        message = _message_from_call(node, name)
        if message is not None:
            message.comments = _comment_for(comments, node.lineno)
            result.messages.append(message)
    return result


def _templatized_source(template: str, where: str) -> str:
    """Django's templatize, made tokenizable: no indentation, no exotic whitespace."""
    code = templatize(template, origin=where)
    lines = (re.sub(r"[^\S\n]", " ", line).lstrip() for line in code.split("\n"))
    return "\n".join(lines)


def _template_messages(template: str, where: str) -> Extraction:
    try:
        source = _templatized_source(template, where)
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        calls = list(_template_calls(tokens))
        comments = _translator_comments(source)
    except (SyntaxError, tokenize.TokenError) as exc:
        return Extraction(problems=[f"{where}: cannot read its translations ({exc})"])
    result = Extraction()
    for line, call in calls:
        name = _call_name(call)
        message = _message_from_call(call, name) if name in KEYWORDS and name else None
        if message is not None:
            message.comments = _comment_for(comments, line)
            result.messages.append(message)
    return result


def _template_calls(tokens: list[tokenize.TokenInfo]) -> Iterator[tuple[int, ast.Call]]:
    """The gettext calls in templatize output: keyword, "(", literal arguments, ")"."""
    index = 0
    while index < len(tokens):
        end = _call_end(tokens, index)
        if end is None:
            index += 1
            continue
        code = tokenize.untokenize((t.type, t.string) for t in tokens[index : end + 1])
        node = ast.parse(code.strip(), mode="eval").body
        if isinstance(node, ast.Call):
            yield tokens[index].start[0], node
        index = end + 1


def _call_end(tokens: list[tokenize.TokenInfo], index: int) -> int | None:
    """Index of the ")" closing a keyword call that starts at `index`, else None."""
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if tokens[index].string not in KEYWORDS or following is None or following.string != "(":
        return None
    depth = 0
    for position in range(index + 1, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[position].string, 0)
        if depth == 0:
            return position
    return None


def extract(source_dir: Path = SOURCE_DIR) -> Extraction:
    """Every message in `source_dir`, in order of first appearance, duplicates merged."""
    merged: dict[tuple[str | None, str], Message] = {}
    problems: list[str] = []
    for path in _source_files(source_dir):
        where = path.relative_to(source_dir.parent).as_posix()
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            found = _python_messages(text, where)
        else:
            found = _template_messages(text, where)
        problems.extend(found.problems)
        for message in found.messages:
            _merge(merged, message, where)
    return Extraction(messages=list(merged.values()), problems=problems)


def _merge(merged: dict[tuple[str | None, str], Message], message: Message, where: str) -> None:
    known = merged.setdefault(message.key, message)
    if where not in known.locations:
        known.locations.append(where)
    known.msgid_plural = known.msgid_plural or message.msgid_plural
    for comment in message.comments:
        if comment not in known.comments:
            known.comments.append(comment)


# --- Catalogues -------------------------------------------------------------------------------


def po_path(locale_dir: Path, language: Language) -> Path:
    return locale_dir / language.code / "LC_MESSAGES" / f"{DOMAIN}.po"


def _metadata(language: Language, old: polib.POFile | None) -> dict[str, str]:
    """Our fixed header fields; others a translation tool added (PO-Revision-Date…) stay."""
    kept = dict(old.metadata) if old is not None else {}
    return kept | {
        "Project-Id-Version": PROJECT,
        "Language": language.code,
        "Language-Team": language.name,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": language.plural_forms,
    }


def _load(path: Path) -> polib.POFile | None:
    return polib.pofile(str(path), wrapwidth=79) if path.exists() else None


def _new_entry(message: Message, language: Language) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=message.msgid,
        msgctxt=message.msgctxt,
        occurrences=[(location, "") for location in message.locations],
        comment="\n".join(message.comments),
        flags=["python-format"] if message.python_format else [],
    )
    if message.msgid_plural:
        entry.msgid_plural = message.msgid_plural
        entry.msgstr_plural = dict.fromkeys(range(language.nplurals), "")
    return entry


def _carry_translation(entry: polib.POEntry, old: polib.POEntry, language: Language) -> None:
    entry.tcomment = old.tcomment
    if "fuzzy" in old.flags:
        entry.flags.append("fuzzy")
    if entry.msgid_plural:
        for index in range(language.nplurals):
            entry.msgstr_plural[index] = old.msgstr_plural.get(index, "")
    else:
        entry.msgstr = old.msgstr


def merge_catalog(
    old: polib.POFile | None, messages: Iterable[Message], language: Language
) -> polib.POFile:
    """A new catalogue for `messages`, keeping what `old` translated."""
    previous = {(entry.msgctxt, entry.msgid): entry for entry in old or []}
    catalog = polib.POFile(wrapwidth=79)
    catalog.header = f"{language.name} translations for {PROJECT}.\nMaintained by scripts/i18n.py."
    catalog.metadata = _metadata(language, old)
    for message in messages:
        entry = _new_entry(message, language)
        known = previous.pop(message.key, None)
        if known is not None:
            _carry_translation(entry, known, language)
        catalog.append(entry)
    for leftover in previous.values():
        if leftover.translated() or leftover.obsolete:
            leftover.obsolete = True
            catalog.append(leftover)
    return catalog


def translations(catalog: polib.POFile | polib.MOFile) -> dict[tuple[str | None, str], object]:
    """What a compiled catalogue holds: translated, non-fuzzy entries and the plural rule."""
    table: dict[tuple[str | None, str], object] = {
        (None, ""): catalog.metadata.get("Plural-Forms", "")
    }
    for entry in catalog.translated_entries():
        value = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        table[(entry.msgctxt, entry.msgid)] = value
    return table


def update(
    source_dir: Path = SOURCE_DIR,
    locale_dir: Path = LOCALE_DIR,
    languages: Iterable[Language] = LANGUAGES,
) -> Extraction:
    """Write each language's .po (only if it changed) and its .mo."""
    extraction = extract(source_dir)
    for language in languages:
        path = po_path(locale_dir, language)
        catalog = merge_catalog(_load(path), extraction.messages, language)
        text = str(catalog)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        compile_catalog(path)
    return extraction


def compile_catalog(path: Path) -> Path:
    mo_path = path.with_suffix(".mo")
    polib.pofile(str(path)).save_as_mofile(str(mo_path))
    return mo_path


# --- Checking ---------------------------------------------------------------------------------


def _placeholders(text: str) -> tuple[list[str], int]:
    """Sorted named placeholders and the count of positional ones (%% excluded)."""
    names: list[str] = []
    positional = 0
    for match in FORMAT_SPEC.finditer(text):
        if match.group(0) == "%%":
            continue
        if match.group("name") is None:
            positional += 1
        else:
            names.append(match.group("name"))
    return sorted(names), positional


def _stray_percent(text: str) -> bool:
    return "%" in FORMAT_SPEC.sub("", text)


def placeholder_problem(message: Message, entry: polib.POEntry) -> str | None:
    """Why a translation would break `%` interpolation, or None."""
    if not message.python_format:
        return None
    if not entry.msgid_plural:
        same = _placeholders(entry.msgstr) == _placeholders(message.msgid)
        if not same or _stray_percent(entry.msgstr):
            return "placeholders differ from the original"
        return None
    allowed = set(_placeholders(message.msgid)[0] + _placeholders(message.msgid_plural)[0])
    for text in entry.msgstr_plural.values():
        if not set(_placeholders(text)[0]) <= allowed or _stray_percent(text):
            return "placeholders differ from the original"
    return None


def _entry_problem(message: Message, entry: polib.POEntry | None, nplurals: int) -> str | None:
    if entry is None:
        return "missing"
    if "fuzzy" in entry.flags:
        return "fuzzy"
    if entry.msgid_plural:
        forms = [entry.msgstr_plural.get(index, "") for index in range(nplurals)]
        if not all(forms):
            return "untranslated"
    elif not entry.msgstr:
        return "untranslated"
    return placeholder_problem(message, entry)


def check_language(messages: list[Message], locale_dir: Path, language: Language) -> list[str]:
    path = po_path(locale_dir, language)
    catalog = _load(path)
    if catalog is None:
        return [f"{language.code}: {path} is missing; run scripts/i18n.py"]
    problems: list[str] = []
    if catalog.metadata.get("Plural-Forms") != language.plural_forms:
        problems.append(f"{language.code}: Plural-Forms header is not {language.plural_forms!r}")
    entries = {(entry.msgctxt, entry.msgid): entry for entry in catalog if not entry.obsolete}
    for message in messages:
        problem = _entry_problem(message, entries.get(message.key), language.nplurals)
        if problem:
            where = message.locations[0] if message.locations else "?"
            problems.append(f"{language.code}: {problem}: {message.msgid!r} ({where})")
    mo_path = path.with_suffix(".mo")
    if not mo_path.exists() or translations(polib.mofile(str(mo_path))) != translations(catalog):
        problems.append(f"{language.code}: {mo_path} is stale; run scripts/i18n.py")
    return problems


def check(
    source_dir: Path = SOURCE_DIR,
    locale_dir: Path = LOCALE_DIR,
    languages: Iterable[Language] = LANGUAGES,
) -> list[str]:
    """Everything that would stop a page from showing fully translated; empty when all is well."""
    extraction = extract(source_dir)
    problems = list(extraction.problems)
    for language in languages:
        problems.extend(check_language(extraction.messages, locale_dir, language))
    return problems


def _summary(extraction: Extraction, locale_dir: Path) -> str:
    parts = []
    for language in LANGUAGES:
        catalog = _load(po_path(locale_dir, language))
        todo = len(catalog.untranslated_entries()) if catalog is not None else 0
        parts.append(f"{language.code}: {todo} to translate")
    return f"{len(extraction.messages)} messages; " + ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="report problems and exit 1; change nothing"
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    extraction = update()
    for problem in extraction.problems:
        print(problem, file=sys.stderr)
    print(_summary(extraction, LOCALE_DIR))
    return 0


if __name__ == "__main__":
    sys.exit(main())
