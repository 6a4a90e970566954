"""domain.yml, a Rasa 3 domain: intents, entities, slots and their mappings, responses, actions."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.engine.errors import Problems
from bot.engine.yaml_files import display_path, read_yaml

SLOT_TYPES = frozenset({"text", "bool", "categorical", "float", "list", "any"})
# custom and controlled slots are filled by actions, set_slots and buttons, never from speech.
MAPPING_TYPES = frozenset({"from_entity", "from_text", "from_intent", "custom", "controlled"})
DOMAIN_KEYS = frozenset(
    {
        "version",
        "intents",
        "entities",
        "slots",
        "responses",
        "actions",
        "forms",
        "session_config",
        "config",
        "e2e_actions",
    }
)
SLOT_KEYS = frozenset(
    {
        "type",
        "mappings",
        "initial_value",
        "values",
        "influence_conversation",
        "min_value",
        "max_value",
    }
)
MAPPING_KEYS = frozenset({"type", "entity", "intent", "not_intent", "value", "action"})


@dataclass(frozen=True)
class SlotMapping:
    kind: str
    entity: str | None = None
    intents: frozenset[str] = frozenset()
    not_intents: frozenset[str] = frozenset()
    value: Any = None

    def applies_to(self, intent: str | None) -> bool:
        if self.intents and intent not in self.intents:
            return False
        return intent not in self.not_intents


@dataclass(frozen=True)
class SlotDefinition:
    name: str
    type: str
    initial_value: Any = None
    values: tuple[str, ...] = ()
    mappings: tuple[SlotMapping, ...] = ()

    @property
    def speech_mappings(self) -> tuple[SlotMapping, ...]:
        return tuple(m for m in self.mappings if m.kind.startswith("from_"))


@dataclass(frozen=True)
class Domain:
    intents: frozenset[str]
    entities: frozenset[str]
    slots: Mapping[str, SlotDefinition]
    responses: Mapping[str, Any]
    actions: tuple[str, ...]
    raw: Mapping[str, Any] = field(repr=False)

    def initial_slots(self) -> dict[str, Any]:
        return {name: slot.initial_value for name, slot in self.slots.items()}


def load_domain(path: Path, root: Path, problems: Problems) -> Domain:
    where = display_path(path, root)
    raw = read_yaml(path, root, problems)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.add(where, "the domain must be a mapping with intents, entities, slots, ...")
        raw = {}
    for key in raw:
        if key not in DOMAIN_KEYS:
            problems.add(where, f"unknown top-level key {key!r}")
    intents = frozenset(_names(raw.get("intents"), where, "intents", problems))
    entities = frozenset(_names(raw.get("entities"), where, "entities", problems))
    slots = _slots(raw.get("slots"), intents, entities, where, problems)
    responses = raw.get("responses") or {}
    if not isinstance(responses, dict):
        problems.add(where, "responses must be a mapping of utter_* names to variations")
        responses = {}
    actions = tuple(_names(raw.get("actions"), where, "actions", problems))
    return Domain(intents, entities, slots, responses, actions, raw)


def _names(items: Any, where: str, section: str, problems: Problems) -> list[str]:
    """Rasa lists intents and entities either as names or as one-key mappings with options."""
    if items is None:
        return []
    if not isinstance(items, list):
        problems.add(where, f"{section} must be a list")
        return []
    names = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and len(item) == 1:
            names.append(str(next(iter(item))))
        else:
            problems.add(where, f"{section}: {item!r} is not a name")
    return names


def _slots(
    raw: Any, intents: frozenset[str], entities: frozenset[str], where: str, problems: Problems
) -> dict[str, SlotDefinition]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.add(where, "slots must be a mapping of slot names to their definition")
        return {}
    slots = {}
    for name, definition in raw.items():
        place = f"{where}, slot {name!r}"
        if not isinstance(definition, dict):
            problems.add(place, "the definition must be a mapping with at least a type")
            continue
        for key in definition:
            if key not in SLOT_KEYS:
                problems.add(place, f"unknown key {key!r}")
        slot_type = definition.get("type")
        if slot_type not in SLOT_TYPES:
            problems.add(place, f"type {slot_type!r} is not one of {', '.join(sorted(SLOT_TYPES))}")
            continue
        values = tuple(str(value) for value in definition.get("values") or ())
        if slot_type == "categorical" and not values:
            problems.add(place, "a categorical slot needs its values")
        mappings = tuple(
            mapping
            for index, item in enumerate(definition.get("mappings") or (), start=1)
            if (mapping := _mapping(item, intents, entities, f"{place}, mapping {index}", problems))
        )
        slots[str(name)] = SlotDefinition(
            str(name), slot_type, definition.get("initial_value"), values, mappings
        )
    return slots


def _mapping(
    raw: Any, intents: frozenset[str], entities: frozenset[str], place: str, problems: Problems
) -> SlotMapping | None:
    if not isinstance(raw, dict):
        problems.add(place, "a mapping must be a mapping with a type")
        return None
    for key in raw:
        if key not in MAPPING_KEYS:
            problems.add(place, f"unknown key {key!r}")
    kind = raw.get("type")
    if kind not in MAPPING_TYPES:
        problems.add(place, f"type {kind!r} is not one of {', '.join(sorted(MAPPING_TYPES))}")
        return None
    entity = raw.get("entity")
    if kind == "from_entity" and entity not in entities:
        problems.add(place, f"entity {entity!r} is not among the domain's entities")
        return None
    only = _intent_set(raw.get("intent"), intents, place, problems)
    never = _intent_set(raw.get("not_intent"), intents, place, problems)
    if kind == "from_intent":
        if not only:
            problems.add(place, "a from_intent mapping needs the intent that gives the value")
            return None
        if "value" not in raw:
            problems.add(place, "a from_intent mapping needs the value it gives")
            return None
    return SlotMapping(kind, entity, only, never, raw.get("value"))


def _intent_set(
    raw: Any, intents: frozenset[str], place: str, problems: Problems
) -> frozenset[str]:
    if raw is None:
        return frozenset()
    names = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else None
    if names is None:
        problems.add(place, f"intent {raw!r} must be a name or a list of names")
        return frozenset()
    for name in names:
        if name not in intents:
            problems.add(place, f"intent {name!r} is not among the domain's intents")
    return frozenset(str(name) for name in names)
