"""Helpers for tests that inspect rendered pages."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

SAME_ORIGIN_ATTRS = {"script": "src", "link": "href", "img": "src", "form": "action"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]


class PageParser(HTMLParser):
    """Collects elements, and the text of inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.inline_code: list[str] = []
        self._open = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs}))
        self._open = tag if tag == "script" else ""

    def handle_endtag(self, tag: str) -> None:
        self._open = ""

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            self.inline_code.append(f"<{self._open}>{data.strip()[:60]}")

    def find(self, tag: str) -> list[Element]:
        return [element for element in self.elements if element.tag == tag]


def parse(html: bytes | str) -> PageParser:
    parser = PageParser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser


def csp_violations(html: bytes | str) -> list[str]:
    """What a browser would block under Amana's CSP (same-origin only, no inline code)."""
    page = parse(html)
    found = list(page.inline_code)
    found += ["<style> element" for _ in page.find("style")]
    for element in page.elements:
        found += [f"{name}= on <{element.tag}>" for name in element.attrs if name == "style"]
        found += [f"{name}= on <{element.tag}>" for name in element.attrs if name.startswith("on")]
        found += _foreign_resource(element)
    return found


def _foreign_resource(element: Element) -> list[str]:
    attr = SAME_ORIGIN_ATTRS.get(element.tag)
    value = element.attrs.get(attr or "", "")
    if not value or (value.startswith("/") and not value.startswith("//")):
        return []
    if element.tag == "img" and value.startswith("data:"):
        return []
    return [f"<{element.tag} {attr}={value!r}> is not same-origin"]
