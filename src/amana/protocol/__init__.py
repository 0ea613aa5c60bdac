"""The protocol engine: the DPISP as data, every disclosure decided and explained.

Pure Python — no Django import — so that `amana check` runs on a protocol file alone.
The one public entry is `evaluate(protocol, request) -> Decision`; `no_protocol_decision()` is
the decision where no protocol is found.
"""

from amana.protocol.decision import Decision
from amana.protocol.engine import evaluate, no_protocol_decision
from amana.protocol.loading import (
    load_protocol,
    parse_request_json,
    protocol_from_data,
    request_from_data,
)
from amana.protocol.model import Protocol, Request
from amana.protocol.reader import ContractError

__all__ = [
    "ContractError",
    "Decision",
    "Protocol",
    "Request",
    "evaluate",
    "load_protocol",
    "no_protocol_decision",
    "parse_request_json",
    "protocol_from_data",
    "request_from_data",
]
