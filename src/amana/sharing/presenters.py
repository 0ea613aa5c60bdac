"""A sharing decision as a person reads it: the elements by their labels, and the codes the
reason texts quote (purposes, bases, services, elements) in the reader's language. The codes
themselves stay in the decision for the technical details and the API."""

from __future__ import annotations

from typing import Any

from amana.refdata.labels import ELEMENTS, label, relabel_quoted


def readable_decision(decision: dict[str, Any]) -> dict[str, Any]:
    return {
        **decision,
        "share_rows": [
            {"element": name, "label": label(ELEMENTS, name)} for name in decision["share"]
        ],
        "withhold": [
            {**item, "label": label(ELEMENTS, item["element"])} for item in decision["withhold"]
        ],
        "reasons": [{**item, "text": relabel_quoted(item["text"])} for item in decision["reasons"]],
    }
