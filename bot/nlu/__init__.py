"""Natural language understanding: intent, entities, triage and the safety net."""

from bot.nlu.loading import load_pipeline
from bot.nlu.pipeline import NluPipeline
from bot.nlu.rasa_config import FALLBACK_INTENT
from bot.nlu.result import Entity, Label, ParseResult

__all__ = ["FALLBACK_INTENT", "Entity", "Label", "NluPipeline", "ParseResult", "load_pipeline"]
