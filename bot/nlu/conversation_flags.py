"""Cancel and correction: phrases of `nlu/lookups/conversation.yml`."""

import re
from dataclasses import dataclass

from bot.nlu.text import fold, normalise
from bot.nlu.training_data import NluData

_EXTRA_WORDS = 3
_OPENERS = ("no ", "ah ", "oh ", "ok ", "ops ", "scusa ", "scusate ", "senti ", "guarda ")
_STOP = re.compile(r"\s*[,.;:!?…]")


@dataclass(frozen=True)
class Flags:
    cancel: bool
    correction: bool


class ConversationFlags:
    def __init__(self, data: NluData) -> None:
        self._phrases: dict[str, list[str]] = {}
        self._anywhere: dict[str, re.Pattern[str]] = {}
        for name in ("cancel", "correction"):
            phrases = sorted({normalise(phrase) for phrase in data.lookups.get(name, [])} - {""},
                             key=len, reverse=True)
            self._phrases[name] = phrases
            self._anywhere[name] = re.compile(
                r"\b(?:" + "|".join(re.escape(phrase) for phrase in phrases) + r")\b"
                if phrases else r"(?!)")
        self._longest = max((phrase.count(" ") + 1 for phrases in self._phrases.values()
                             for phrase in phrases), default=0)

    def flags(self, text: str) -> Flags:
        normalised = normalise(text)
        folded = fold(text).strip()
        return Flags(self._has("cancel", normalised, folded),
                     self._has("correction", normalised, folded))

    def _has(self, name: str, normalised: str, folded: str) -> bool:
        words = normalised.split()
        if len(words) <= self._longest + _EXTRA_WORDS:
            for found in self._anywhere[name].finditer(normalised):
                if len(words) <= found.group().count(" ") + 1 + _EXTRA_WORDS:
                    return True
        body = normalised
        for opener in _OPENERS:
            if body.startswith(opener) and body != opener.strip():
                body = body[len(opener):]
                break
        for phrase in self._phrases[name]:
            size = phrase.count(" ") + 1
            if body == phrase or (body.startswith(phrase + " ") and (
                    size >= 2 or _stops_after(folded, phrase))):
                return True
        return False


def _stops_after(folded: str, phrase: str) -> bool:
    """Whether a one-word phrase opening the message is followed by a stop ("basta, grazie")."""
    index = folded.find(phrase)
    return index >= 0 and bool(_STOP.match(folded, index + len(phrase)))
