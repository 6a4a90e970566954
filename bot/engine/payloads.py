"""Button payloads in Rasa's form, `/intent` or `/intent{"slot": "value"}`, read without NLU."""

import json
import re
from dataclasses import dataclass, field
from typing import Any

_PAYLOAD = re.compile(r"/(?P<intent>[A-Za-z_][\w\-]*)(?P<values>\{.*\})?", re.DOTALL)


class PayloadError(ValueError):
    """The text looks like a payload but its values are not a JSON object."""


@dataclass(frozen=True)
class Payload:
    intent: str
    values: dict[str, Any] = field(default_factory=dict)


def parse_payload(text: str) -> Payload | None:
    """The payload in the text, or None when the text is not one."""
    match = _PAYLOAD.fullmatch(text.strip())
    if match is None:
        return None
    raw_values = match.group("values")
    if not raw_values:
        return Payload(match.group("intent"))
    try:
        values = json.loads(raw_values)
    except json.JSONDecodeError as error:
        raise PayloadError(
            f"the values after the intent are not valid JSON ({error.msg})"
        ) from None
    if not isinstance(values, dict):
        raise PayloadError("the values after the intent must be a JSON object")
    return Payload(match.group("intent"), values)
