"""The event a person means ("il laboratorio di teatro", "la cena di quartiere"), as a span.

Event nouns are those that head the `evento` annotations of the training data, plus the
usual ones; the span grows over the words that follow such nouns in the annotations
("focus group", "di teatro dell'oppresso"). The span is then matched against the calendar by
whoever handles the event.
"""

import re
from collections.abc import Iterable

from bot.nlu.result import Entity
from bot.nlu.text import fold

_TOKEN = re.compile(r"[^\W_]+")
_ARTICLES = frozenset({"il", "lo", "la", "l", "i", "gli", "le", "un", "una", "uno"})
_LEADING = frozenset({"prossimo", "prossima", "primo", "prima", "secondo", "seconda",
                      "nuovo", "nuova", "ultimo", "ultima", "vostro", "vostra"})
_CONNECTORS = frozenset({"di", "del", "della", "dello", "dei", "degli", "delle", "dell", "d",
                         "sul", "sulla", "sui", "sugli", "sulle", "per", "al", "alla", "in"})
_USUAL_EVENTS = frozenset({
    "festa", "cena", "pranzo", "merenda", "gita", "tombolata", "spettacolo", "concerto",
    "mostra", "laboratorio", "corso", "incontro", "riunione", "focus", "serata",
    "passeggiata", "camminata", "torneo", "mercatino", "cineforum", "assemblea", "workshop",
    "teatro", "presentazione", "visita", "proiezione", "conferenza", "seminario", "ballo",
})
_MAX_TAIL = 4
EVENT_INTENTS = frozenset({"ask_events", "join_event"})


class EventFinder:
    def __init__(self, heads: frozenset[str], tails: frozenset[str]) -> None:
        self._heads = heads
        self._tails = tails

    @classmethod
    def build(cls, spans: Iterable[str]) -> "EventFinder":
        heads = set(_USUAL_EVENTS)
        tails: set[str] = set()
        for span in spans:
            words = _TOKEN.findall(fold(span))
            while words and (words[0] in _ARTICLES or words[0] in _LEADING):
                words = words[1:]
            if words:
                heads.add(words[0])
                tails.update(word for word in words[1:] if word not in _CONNECTORS)
        return cls(frozenset(heads), frozenset(tails - _ARTICLES))

    def find(self, text: str, stop_at: Iterable[tuple[int, int]] = ()) -> list[Entity]:
        """Event spans; `stop_at` are spans of other entities (dates, towns) not to enter."""
        tokens = list(_TOKEN.finditer(fold(text)))
        spans = list(stop_at)
        blocked = [any(token.start() < end and token.end() > start for start, end in spans)
                   for token in tokens]
        found: list[Entity] = []
        index = 0
        while index < len(tokens):
            if blocked[index] or tokens[index].group() not in self._heads:
                index += 1
                continue
            first = index
            while first > 0 and not blocked[first - 1] and tokens[first - 1].group() in _LEADING:
                first -= 1
            if first > 0 and not blocked[first - 1] and tokens[first - 1].group() in _ARTICLES:
                first -= 1
            last = index
            tail = 0
            while last + 1 < len(tokens) and tail < _MAX_TAIL:
                word = tokens[last + 1].group()
                if blocked[last + 1]:
                    break
                if word in self._tails:
                    last += 1
                elif (word in _CONNECTORS and last + 2 < len(tokens) and not blocked[last + 2]
                      and tokens[last + 2].group() in self._tails):
                    last += 2
                else:
                    break
                tail += 1
            found.append(Entity("evento", text[tokens[first].start() : tokens[last].end()],
                                tokens[first].start(), tokens[last].end()))
            index = last + 1
        return found
