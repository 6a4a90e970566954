"""The domain's responses: variations picked as Rasa does, placeholders filled, buttons built."""

import logging
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine.domain import Domain
from bot.engine.errors import Problems
from bot.engine.payloads import PayloadError, parse_payload
from bot.messages import Button, OutgoingMessage

log = logging.getLogger(__name__)

VARIATION_KEYS = frozenset(
    {"text", "buttons", "condition", "channel", "metadata", "button_type", "image", "custom", "id"}
)
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" +([,.;:!?])")


@dataclass(frozen=True)
class Variation:
    text: str
    buttons: tuple[tuple[str, str], ...]
    slot_conditions: tuple[tuple[str, Any], ...]
    channel: str | None
    request_location: bool
    placeholders: frozenset[str]

    def fits(self, slots: Mapping[str, Any], channel: str) -> bool:
        if self.channel is not None and self.channel != channel:
            return False
        return all(slots.get(name) == value for name, value in self.slot_conditions)

    @property
    def specificity(self) -> tuple[bool, bool]:
        return (bool(self.slot_conditions), self.channel is not None)


class Responses:
    def __init__(self, variations: Mapping[str, tuple[Variation, ...]], rng: random.Random) -> None:
        self._variations = dict(variations)
        self._rng = rng

    def __contains__(self, name: object) -> bool:
        return name in self._variations

    def variations(self, name: str) -> tuple[Variation, ...]:
        return self._variations[name]

    def render(
        self,
        name: str,
        slots: Mapping[str, Any],
        variables: Mapping[str, Any],
        channel: str,
        extra_buttons: tuple[Button, ...] = (),
    ) -> OutgoingMessage:
        variation = self._choose(name, slots, variables, channel)
        missing: set[str] = set()
        text = _fill(variation.text, slots, variables, missing)
        buttons = tuple(
            Button(
                _fill(title, slots, variables, missing), _fill(payload, slots, variables, missing)
            )
            for title, payload in variation.buttons
        )
        if missing:
            log.warning("response %s: no value for %s", name, ", ".join(sorted(missing)))
        return OutgoingMessage(
            text=text,
            buttons=buttons + extra_buttons,
            request_location=variation.request_location,
            response=name,
        )

    def _choose(
        self, name: str, slots: Mapping[str, Any], variables: Mapping[str, Any], channel: str
    ) -> Variation:
        variations = self._variations[name]
        fitting = [v for v in variations if v.fits(slots, channel)]
        if not fitting:
            # Silence would be worse than a variation meant for another case.
            log.warning("response %s: no variation fits, using any", name)
            fitting = list(variations)
        # As in Rasa: a variation whose conditions hold wins over a general one.
        best = max(v.specificity for v in fitting)
        fitting = [v for v in fitting if v.specificity == best]
        complete = [v for v in fitting if all(_value(p, slots, variables) for p in v.placeholders)]
        return self._rng.choice(complete or fitting)


def _value(name: str, slots: Mapping[str, Any], variables: Mapping[str, Any]) -> str:
    return _format(variables[name] if name in variables else slots.get(name))


def _format(value: Any) -> str:
    # Booleans and mappings have no wording of their own: the text must not show "True".
    if value is None or isinstance(value, bool | dict):
        return ""
    if isinstance(value, float):
        # Italian decimals: 12,50 euro; a whole amount shows no decimals at all.
        return str(int(value)) if value.is_integer() else f"{value:.2f}".replace(".", ",")
    if isinstance(value, list | tuple):
        return ", ".join(part for item in value if (part := _format(item)))
    return str(value)


def _fill(
    template: str, slots: Mapping[str, Any], variables: Mapping[str, Any], missing: set[str]
) -> str:
    if "{" not in template:
        return template

    def replace(match: re.Match[str]) -> str:
        value = _value(match.group(1), slots, variables)
        if not value:
            missing.add(match.group(1))
        return value

    before = len(missing)
    text = _PLACEHOLDER.sub(replace, template)
    if len(missing) > before:
        text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", text)).strip()
    return text


def compile_responses(
    domain: Domain, where: str, problems: Problems
) -> dict[str, tuple[Variation, ...]]:
    compiled = {}
    for name, raw in domain.responses.items():
        place = f"{where}, response {name!r}"
        if not str(name).startswith("utter_"):
            problems.add(place, "response names start with utter_")
        if not isinstance(raw, list) or not raw:
            problems.add(place, "a response is a list of variations, each with a text")
            continue
        variations = tuple(
            variation
            for index, item in enumerate(raw, start=1)
            if (variation := _variation(item, domain, f"{place}, variation {index}", problems))
        )
        if variations:
            compiled[str(name)] = variations
    return compiled


def _variation(raw: Any, domain: Domain, place: str, problems: Problems) -> Variation | None:
    if not isinstance(raw, dict):
        problems.add(place, "a variation must be a mapping with a text")
        return None
    for key in raw:
        if key not in VARIATION_KEYS:
            problems.add(place, f"unknown key {key!r}")
    text = raw.get("text", "")
    if not isinstance(text, str):
        problems.add(place, "the text must be a text")
        return None
    buttons = _buttons(raw.get("buttons"), domain, place, problems)
    if not text.strip() and not buttons:
        problems.add(place, "the variation has neither a text nor buttons")
    channel = raw.get("channel")
    metadata = raw.get("metadata") or {}
    if not isinstance(metadata, dict):
        problems.add(place, "metadata must be a mapping")
        metadata = {}
    placeholders = set(_PLACEHOLDER.findall(text))
    for title, payload in buttons:
        placeholders.update(_PLACEHOLDER.findall(title))
        placeholders.update(_PLACEHOLDER.findall(payload))
    return Variation(
        text=text.strip(),
        buttons=buttons,
        slot_conditions=_slot_conditions(raw.get("condition"), domain, place, problems),
        channel=str(channel) if channel else None,
        request_location=bool(metadata.get("request_location", False)),
        placeholders=frozenset(placeholders),
    )


def _buttons(
    raw: Any, domain: Domain, place: str, problems: Problems
) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(place, "buttons must be a list of title and payload")
        return ()
    buttons = []
    for index, button in enumerate(raw, start=1):
        where = f"{place}, button {index}"
        if not isinstance(button, dict) or not button.get("title") or not button.get("payload"):
            problems.add(where, "a button needs a title and a payload")
            continue
        payload = str(button["payload"])
        try:
            parsed = parse_payload(payload)
        except PayloadError as error:
            problems.add(where, f"payload {payload!r}: {error}")
            continue
        if parsed is None:
            problems.add(
                where, f'payload {payload!r} must look like /intent or /intent{{"slot": "value"}}'
            )
            continue
        if parsed.intent not in domain.intents:
            problems.add(
                where, f"payload {payload!r}: intent {parsed.intent!r} is not in the domain"
            )
        buttons.append((str(button["title"]), payload))
    return tuple(buttons)


def _slot_conditions(
    raw: Any, domain: Domain, place: str, problems: Problems
) -> tuple[tuple[str, Any], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(place, "condition must be a list of {type: slot, name: ..., value: ...}")
        return ()
    conditions = []
    for item in raw:
        if not isinstance(item, dict) or item.get("type") != "slot" or "name" not in item:
            problems.add(place, f"condition {item!r} must be {{type: slot, name: ..., value: ...}}")
            continue
        if item["name"] not in domain.slots:
            problems.add(
                place, f"condition on slot {item['name']!r}, which the domain does not have"
            )
            continue
        conditions.append((str(item["name"]), item.get("value")))
    return tuple(conditions)
