"""Slot values from a message, by the slot's mappings in domain.yml and its type."""

from typing import Any, Final

from bot.engine.domain import SlotDefinition
from bot.engine.understanding import Understanding

AFFIRM = "affirm"
DENY = "deny"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


def answer_for(slot: SlotDefinition, understanding: Understanding) -> Any:
    """The slot's value when the message answers its question, else MISSING."""
    if slot.name in understanding.slot_values:
        return coerce(slot, understanding.slot_values[slot.name])
    for mapping in slot.speech_mappings:
        if not mapping.applies_to(understanding.intent):
            continue
        if mapping.kind == "from_entity" and mapping.entity:
            value = _entity_value(slot, understanding, mapping.entity)
            if value is not MISSING:
                return value
        elif mapping.kind == "from_text":
            text = understanding.text.strip()
            if text and not understanding.from_button:
                return text
        elif mapping.kind == "from_intent":
            value = coerce(slot, mapping.value)
            if value is not MISSING:
                return value
    if slot.type == "bool" and understanding.intent in (AFFIRM, DENY):
        return understanding.intent == AFFIRM
    if slot.type == "categorical" and not understanding.from_button:
        return coerce(slot, understanding.text)
    return MISSING


def mentioned_value(slot: SlotDefinition, understanding: Understanding) -> Any:
    """The slot's value named in a message that was about something else: a button's slot, or
    an entity of one of the slot's from_entity mappings. Else MISSING."""
    if slot.name in understanding.slot_values:
        return coerce(slot, understanding.slot_values[slot.name])
    for mapping in slot.speech_mappings:
        if (
            mapping.kind == "from_entity"
            and mapping.entity
            and mapping.applies_to(understanding.intent)
        ):
            value = _entity_value(slot, understanding, mapping.entity)
            if value is not MISSING:
                return value
    return MISSING


def _entity_value(slot: SlotDefinition, understanding: Understanding, entity: str) -> Any:
    values = understanding.values_of(entity)
    if not values:
        return MISSING
    return coerce(slot, values if slot.type == "list" else values[0])


def coerce(slot: SlotDefinition, value: Any) -> Any:
    """The value as the slot's type holds it, or MISSING when it does not fit."""
    if value is None:
        return MISSING
    if slot.type == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        return {"true": True, "false": False}.get(text, MISSING)
    if slot.type == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        try:
            return float(str(value).strip().replace(",", "."))
        except ValueError:
            return MISSING
    if slot.type == "categorical":
        wanted = str(value).strip().casefold()
        return next((v for v in slot.values if v.casefold() == wanted), MISSING)
    if slot.type == "list":
        return list(value) if isinstance(value, list | tuple) else [value]
    if slot.type == "text":
        return value if isinstance(value, str) else str(value)
    return value
