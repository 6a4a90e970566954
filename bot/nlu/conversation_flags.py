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
        self._phrases: dict[str, frozenset[str]] = {}
        self._anywhere: dict[str, re.Pattern[str]] = {}
        for name in ("cancel", "correction"):
            phrases = sorted({normalise(phrase) for phrase in data.lookups.get(name, [])} - {""},
                             key=len, reverse=True)
            self._phrases[name] = frozenset(phrases)
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
        # `body` is words joined by single spaces, like the phrases: a phrase opens it when it
        # is the body or the body's first few words (looked up, not compared one by one).
        phrases = self._phrases[name]
        if body in phrases:
            return True
        body_words = body.split(" ")
        for size in range(1, min(len(body_words) - 1, self._longest) + 1):
            opening = " ".join(body_words[:size])
            if opening in phrases and (size >= 2 or _stops_after(folded, opening)):
                return True
        return False


def _stops_after(folded: str, phrase: str) -> bool:
    """Whether a one-word phrase opening the message is followed by a stop ("basta, grazie")."""
    index = folded.find(phrase)
    return index >= 0 and bool(_STOP.match(folded, index + len(phrase)))
