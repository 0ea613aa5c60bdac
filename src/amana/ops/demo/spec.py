"""The demo operation's agencies and users, as shipped in `agencies.yaml`."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml


def demo_spec() -> dict[str, Any]:
    text = resources.files("amana.ops.demo").joinpath("agencies.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def demo_agencies() -> list[dict[str, str]]:
    agencies: list[dict[str, str]] = demo_spec()["agencies"]
    return agencies
