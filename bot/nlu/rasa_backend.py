"""NLU_BACKEND=rasa: intent and entities from a Rasa server's /model/parse, triage and the
safety net from the embedded model on top, so that a missed emergency stays impossible to
blame on the backend. If the server cannot be reached the embedded intent stands in."""

import logging
from datetime import datetime
from typing import Any

import httpx
import numpy as np

from bot.nlu.model import REPORT_INTENT, NluModel
from bot.nlu.pipeline import NluPipeline, Understood
from bot.nlu.rasa_config import FALLBACK_INTENT, NluConfig
from bot.nlu.result import Entity, Label
from bot.nlu.text import fold

LOG = logging.getLogger(__name__)
_LOCAL_ENTITIES = ("data", "ora", "importo")
_TIMEOUT_SECONDS = 5.0


class RasaNluPipeline(NluPipeline):
    def __init__(self, model: NluModel, config: NluConfig, rasa_url: str,
                 timezone: str = "Europe/Rome", client: httpx.Client | None = None) -> None:
        super().__init__(model, config, timezone)
        self._url = rasa_url.rstrip("/") + "/model/parse"
        self._client = client or httpx.Client(timeout=_TIMEOUT_SECONDS)

    def close(self) -> None:
        self._client.close()

    def _understand(self, texts: list[str], intents: np.ndarray, known: list[bool],
                    now: datetime) -> list[Understood]:
        local = super()._understand(texts, intents, known, now)
        understood = []
        for index, text in enumerate(texts):
            try:
                response = self._client.post(self._url, json={"text": text})
                response.raise_for_status()
                parsed = response.json()
                understood.append(self._from_rasa(text, parsed, local[index]))
            except (httpx.HTTPError, ValueError, KeyError, TypeError):
                LOG.warning("Rasa parse failed (message of %d characters), embedded intent used",
                            len(text), exc_info=True)
                understood.append(local[index])
        return understood

    def _from_rasa(self, text: str, parsed: dict[str, Any], local: Understood) -> Understood:
        intent = _label(parsed["intent"])
        ranking = [_label(item) for item in parsed.get("intent_ranking") or []] or [intent]
        top = intent.name
        if top == FALLBACK_INTENT:
            top = next((label.name for label in ranking if label.name != FALLBACK_INTENT),
                       local.top_intent)
        entities = [entity for raw in parsed.get("entities") or []
                    if (entity := self._entity(text, raw)) is not None]
        served = {entity.entity for entity in entities}
        entities.extend(entity for entity in local.entities
                        if entity.entity in _LOCAL_ENTITIES and entity.entity not in served)
        report = next((label.confidence for label in ranking if label.name == REPORT_INTENT), 0.0)
        return Understood(intent, ranking, top, report,
                          sorted(entities, key=lambda entity: (entity.start, entity.end)))

    def _entity(self, text: str, raw: dict[str, Any]) -> Entity | None:
        """Rasa's entity with our canonical town and the district's town."""
        name = str(raw.get("entity", ""))
        start, end = int(raw.get("start", 0)), int(raw.get("end", 0))
        value = raw.get("value", text[start:end])
        if name in ("comune", "frazione"):
            found = self.model.gazetteer.find(str(value)) or self.model.gazetteer.find(
                text[start:end])
            if not found:
                return Entity(name, value, start, end)
            town = found[0]
            extras = {"comune": town.comune} if town.entity == "frazione" else {}
            return Entity(town.entity, town.value, start, end, extras)
        if name == "importo" and isinstance(value, str):
            amounts = self._dates.find(fold(value), datetime.now(self._zone)).entities
            value = next((a.value for a in amounts if a.entity == "importo"), value)
        return Entity(name, value, start, end)


def _label(raw: dict[str, Any]) -> Label:
    return Label(str(raw["name"]), float(raw.get("confidence") or 0.0))
