"""No inline style or script anywhere: the CSP ('self' only, no 'unsafe-inline') would block
them, and a blocked style attribute is an error in the browser's console. Every template and
every script of ours is read as text, so a page no test renders is covered too; htmx, the one
script library, is told not to add its own <style> element."""

from __future__ import annotations

import json
import re
from pathlib import Path

import amana

SOURCE = Path(amana.__file__).parent
TEMPLATES = sorted(SOURCE.glob("*/templates/**/*.html"))
OWN_SCRIPTS = sorted(p for p in SOURCE.glob("*/static/**/*.js") if not p.name.endswith(".min.js"))
HTMX = "amana/htmx.min.js"

INLINE = {
    "style attribute": re.compile(r"""\sstyle\s*=\s*["'{]""", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "event handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
    "htmx inline handler": re.compile(r"""\s(?:data-)?hx-on[:-]""", re.IGNORECASE),
    "javascript: address": re.compile(r"javascript:", re.IGNORECASE),
}
STYLE_FROM_SCRIPT = re.compile(
    r"""setAttribute\(\s*["']style["']|\.style\.cssText|insertAdjacentHTML\([^)]*<style""",
)


def _findings(text: str) -> list[str]:
    """Each inline style or script in a template's text, as "line: what"."""
    return [
        f"{text.count(chr(10), 0, match.start()) + 1}: {what}"
        for what, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]


def test_the_templates_are_found():
    assert len(TEMPLATES) > 50
    assert SOURCE / "core" / "templates" / "base.html" in TEMPLATES


def test_no_template_has_inline_style_or_script():
    found = [
        f"{path.relative_to(SOURCE)}:{finding}"
        for path in TEMPLATES
        for finding in _findings(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_no_script_of_ours_writes_inline_styles():
    found = [
        str(path.relative_to(SOURCE))
        for path in OWN_SCRIPTS
        if STYLE_FROM_SCRIPT.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_checks_spot_what_the_csp_blocks():
    page = (
        '<p style="color:red">a</p>\n<style>p{}</style><script>x()</script>'
        '<script src="/static/a.js"></script><a onclick="x()" href="javascript:x()">b</a>'
        '<button hx-on:click="x()">c</button>'
    )
    found = _findings(page)
    assert found[0] == "1: style attribute"
    assert sorted(line.split(": ", 1)[1] for line in found) == sorted(INLINE)
    clean = '<p class="note">a style = text</p>\n<script src="/s.js" defer></script>'
    assert _findings(clean) == []


def test_every_page_loading_htmx_keeps_it_from_adding_styles_or_running_code():
    loading = [path for path in TEMPLATES if HTMX in path.read_text(encoding="utf-8")]
    assert loading, "htmx is loaded somewhere"
    for path in loading:
        meta = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", path.read_text())
        assert meta, f"{path.relative_to(SOURCE)} loads htmx without its configuration"
        config = json.loads(meta.group(1))
        assert config["includeIndicatorStyles"] is False  # its <style> element breaks the CSP
        assert config["allowEval"] is False and config["allowScriptTags"] is False


def test_the_stylesheet_carries_the_htmx_indicator_rules():
    css = (SOURCE / "core" / "static" / "amana" / "amana.css").read_text()
    assert ".htmx-indicator" in css and ".htmx-request" in css
