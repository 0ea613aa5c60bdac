"""Form record data: JSON kept in one encrypted column."""

from __future__ import annotations

import json
from typing import Any

from amana.caseforms.models import FormRecord


def read_data(record: FormRecord) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(record.data) if record.data else {}
    return data


def write_data(record: FormRecord, data: dict[str, Any]) -> None:
    record.data = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
