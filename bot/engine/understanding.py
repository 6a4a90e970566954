"""What the engine knows of one message: from the NLU's ParseResult, or from a button's payload."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.engine.payloads import Payload


@dataclass(frozen=True)
class EntityValue:
    entity: str
    value: Any
    start: int | None = None
    end: int | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Understanding:
    text: str
    intent: str | None = None
    confidence: float = 0.0
    entities: tuple[EntityValue, ...] = ()
    # Slots named by a button's payload: /subscribe{"comune": "Bruino"}.
    slot_values: Mapping[str, Any] = field(default_factory=dict)
    intent_ranking: tuple[tuple[str, float], ...] = ()
    category: str = "other"
    category_confidence: float = 0.0
    urgency: str = "low"
    urgency_confidence: float = 0.0
    danger: tuple[str, ...] = ()
    language: str = "it"
    cancel: bool = False
    correction: bool = False
    from_button: bool = False
    parse_result: Any = field(default=None, repr=False, compare=False)

    @property
    def urgent(self) -> bool:
        return self.urgency == "high"

    def values_of(self, entity: str) -> list[Any]:
        """The entity's values; a district's town counts as a town (its extras name it)."""
        direct = [found.value for found in self.entities if found.entity == entity]
        if direct:
            return direct
        return [found.extras[entity] for found in self.entities if entity in found.extras]

    def parse_data(self) -> dict[str, Any]:
        """tracker.latest_message, in the shape of Rasa's /model/parse plus the triage."""
        to_dict = getattr(self.parse_result, "to_dict", None)
        if to_dict is not None:
            data: dict[str, Any] = dict(to_dict())
            data["text"] = self.text
        else:
            data = {
                "text": self.text,
                "intent": {"name": self.intent, "confidence": self.confidence},
                "intent_ranking": [
                    {"name": name, "confidence": confidence}
                    for name, confidence in self.intent_ranking
                ],
                "entities": [
                    {
                        "entity": e.entity,
                        "value": e.value,
                        "start": e.start,
                        "end": e.end,
                        **dict(e.extras),
                    }
                    for e in self.entities
                ],
            }
        triage = data.get("triage") or {
            "category": self.category,
            "urgency": self.urgency,
            "danger": list(self.danger),
            "language": self.language,
        }
        data["metadata"] = {**(data.get("metadata") or {}), "triage": triage}
        return data


def from_parse(text: str, result: Any) -> Understanding:
    return Understanding(
        text=text,
        intent=result.intent.name,
        confidence=float(result.intent.confidence),
        entities=tuple(
            EntityValue(e.entity, e.value, e.start, e.end, dict(e.extras or {}))
            for e in result.entities
        ),
        intent_ranking=tuple(_ranked(item) for item in result.intent_ranking),
        category=result.category.name,
        category_confidence=float(result.category.confidence),
        urgency=result.urgency.name,
        urgency_confidence=float(result.urgency.confidence),
        danger=tuple(result.danger),
        language=result.language or "it",
        cancel=bool(result.cancel),
        correction=bool(result.correction),
        parse_result=result,
    )


def from_payload(text: str, payload: Payload, slot_names: Mapping[str, Any]) -> Understanding:
    return Understanding(
        text=text,
        intent=payload.intent,
        confidence=1.0,
        # As in Rasa, the payload's values are entities; those named like a slot fill it too.
        entities=tuple(EntityValue(name, value) for name, value in payload.values.items()),
        slot_values={name: value for name, value in payload.values.items() if name in slot_names},
        intent_ranking=((payload.intent, 1.0),),
        from_button=True,
    )


def _ranked(item: Any) -> tuple[str, float]:
    if isinstance(item, tuple | list):
        return str(item[0]), float(item[1])
    return str(item.name), float(item.confidence)
