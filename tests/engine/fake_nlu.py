"""A tiny stand-in for bot.nlu: keyword rules returning ParseResult-shaped objects.

It follows the contract's attribute names, so the engine reads it as it reads the real one.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

TOWNS = {
    "beinasco": "Beinasco",
    "bruino": "Bruino",
    "orbassano": "Orbassano",
    "piossasco": "Piossasco",
    "rivalta": "Rivalta di Torino",
    "volvera": "Volvera",
    "rivoli": "Rivoli",
}
DISTRICTS = {"borgaretto": ("Borgaretto", "Beinasco")}
INTENT_WORDS = (
    ("break_things", ("rompi",)),
    ("count_up", ("conta",)),
    ("start_over", ("ricominciamo",)),
    ("report_problem", ("segnalare", "segnalazione", "problema", "sola", "solo", "aiuto")),
    ("offer_help", ("volontario", "volontaria")),
    ("subscribe", ("avvisi", "novita")),
    ("ask_info", ("informazioni", "orari")),
    ("greet", ("ciao", "buongiorno")),
    ("thank", ("grazie",)),
    ("goodbye", ("arrivederci",)),
    ("affirm", ("si", "ok", "certo", "accetto")),
    ("deny", ("no",)),
)
DANGER = ("non respira", "farla finita", "mi picchia")
CANCEL = ("lascia stare", "annulla", "lascia perdere")
CORRECTION = ("volevo dire", "anzi", "ho sbagliato")
ROMANIAN = ("ajutor", "nevoie", "buna", "vreau")


@dataclass(frozen=True)
class Label:
    name: str
    confidence: float


@dataclass(frozen=True)
class Entity:
    entity: str
    value: Any
    start: int
    end: int
    extras: dict[str, Any] = field(default_factory=dict)


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": {"name": self.intent.name, "confidence": self.intent.confidence},
            "entities": [
                {"entity": e.entity, "value": e.value, "start": e.start, "end": e.end}
                for e in self.entities
            ],
            "triage": {
                "category": self.category.name,
                "urgency": self.urgency.name,
                "danger": list(self.danger),
            },
        }


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class FakeNlu:
    def __init__(self) -> None:
        self.parsed: list[str] = []

    def parse(self, text: str, now: datetime | None = None) -> ParseResult:
        self.parsed.append(text)
        folded = fold(text)
        words = re.findall(r"\w+", folded)
        intent = next(
            (Label(name, 0.9) for name, keys in INTENT_WORDS if any(k in words for k in keys)),
            Label("out_of_scope", 0.1),
        )
        danger = [signal for signal in DANGER if signal in folded]
        language = "ro" if sum(word in ROMANIAN for word in words) >= 2 else "it"
        if re.search(r"[\u0600-\u06ff]", text):
            language = "ar"
        return ParseResult(
            text=text,
            intent=intent,
            intent_ranking=[intent],
            entities=self._entities(folded),
            category=Label("loneliness" if "sola" in words else "other", 0.8),
            urgency=Label("high" if danger else "low", 0.9),
            danger=danger,
            language=language,
            cancel=any(phrase in folded for phrase in CANCEL),
            correction=any(phrase in folded for phrase in CORRECTION),
        )

    @staticmethod
    def _entities(folded: str) -> list[Entity]:
        found = []
        for match in re.finditer(r"\w+", folded):
            word = match.group()
            if word in TOWNS:
                found.append(Entity("comune", TOWNS[word], match.start(), match.end()))
            elif word in DISTRICTS:
                name, town = DISTRICTS[word]
                found.append(Entity("frazione", name, match.start(), match.end(), {"comune": town}))
        return found
