"""What one parse returns: Rasa's /model/parse shape plus the triage."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Label:
    name: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "confidence": round(self.confidence, 4)}


@dataclass(frozen=True)
class Entity:
    entity: str
    value: Any  # comune/frazione: canonical name; data/ora: ISO string; importo: float euros
    start: int
    end: int
    extras: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"entity": self.entity, "value": self.value, "start": self.start,
                "end": self.end, **self.extras}


@dataclass(frozen=True)
class ParseResult:
    text: str
    intent: Label
    intent_ranking: list[Label]
    entities: list[Entity]
    category: Label
    urgency: Label
    danger: list[str]
    language: str
    cancel: bool
    correction: bool

    def entity_values(self, entity: str) -> list[Any]:
        return [found.value for found in self.entities if found.entity == entity]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent.to_dict(),
            "intent_ranking": [label.to_dict() for label in self.intent_ranking],
            "entities": [entity.to_dict() for entity in self.entities],
            "triage": {"category": self.category.to_dict(), "urgency": self.urgency.to_dict(),
                       "danger": list(self.danger)},
            "language": self.language,
            "cancel": self.cancel,
            "correction": self.correction,
        }
