"""Towns (comuni) and districts (frazioni) named in a message, with their canonical names.

Variants come from the lookup tables, the synonyms and the annotated training examples.
Any variant is found as written. The consortium's towns and districts are also found split
in two by voice typing ("bei nasco") or one or two typos away ("orbasano"); other towns only
as written, since "al mese" must not become Almese. Fuzzy matching never turns a word into a
town: words of the training data, and the Italian words close to a town name ("bruno",
"ribalta", "collegio", learnt at training time), are refused. A name that is itself a word
("pasta", "fornaci") counts only after "a", "in", "zona"..., after "la cascina di", or next
to its town. A street named after a town ("via Torino", "corso Orbassano") is no town.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from bot.nlu.near_words import words_near
from bot.nlu.text import fold
from bot.nlu.training_data import NluData

_TOKEN = re.compile(r"[^\W_]+")
_MAX_WINDOW = 5
_MIN_FUZZY_LENGTH = 5
_NEAR_DISTANCE = 2
CONSORTIUM_TOWNS = frozenset({
    "Beinasco", "Bruino", "Orbassano", "Piossasco", "Rivalta di Torino", "Volvera",
})
# Words before a name that make it a place ("a pasta", "alle fornaci", "frazione pasta").
_PLACE_CUES = frozenset({
    "a", "ad", "in", "da", "al", "alla", "alle", "ai", "nella", "nelle", "dalle", "dalla",
    "zona", "frazione", "fraz", "borgata", "localita", "loc", "quartiere", "verso", "vicino",
    "presso", "dintorni", "dietro", "abito", "vivo", "sto", "abitiamo",
})
# Places that are "of" a district: "la cascina di pasta", "il centro giovani di pasta".
_PLACE_NOUNS = frozenset({
    "cascina", "chiesa", "chiesetta", "parrocchia", "scuola", "scuole", "oratorio", "centro",
    "biblioteca", "circolo", "bocciofila", "giardini", "giardino", "parco", "piazza",
    "quartiere", "frazione", "borgata", "gente", "abitanti", "zona", "case", "cimitero",
    "stazione", "fermata", "campo", "palestra", "asilo", "ambulatorio", "farmacia", "bar",
})
# A town's own name takes no article; with a masculine one it is its football club ("il
# Torino ha vinto", "la partita del Piossasco"). Places that name a town keep theirs ("al San
# Luigi" is Orbassano's hospital).
_CLUB_ARTICLES = frozenset({"il", "del", "al", "dal", "col", "nel", "sul"})
# Words before a name that make it a street ("via torino").
_STREET_WORDS = frozenset({
    "via", "corso", "c", "so", "piazza", "p", "za", "viale", "v", "le", "strada", "str",
    "largo", "vicolo", "piazzale", "lungo", "borgo", "contrada", "sp", "provinciale",
})


@dataclass(frozen=True)
class Place:
    entity: str  # "comune" or "frazione"
    value: str
    comune: str  # a frazione's town; a comune's own name


@dataclass(frozen=True)
class TownMatch:
    entity: str
    value: str
    comune: str
    start: int
    end: int


def variant_key(text: str) -> str:
    return " ".join(_TOKEN.findall(fold(text)))


def _slug(name: str) -> str:
    return "_".join(_TOKEN.findall(fold(name)))


def _fuzzy_limit(length: int) -> int:
    return 1 if length < 8 else 2


class Gazetteer:
    def __init__(self, places: dict[str, Place], ambiguous: frozenset[str],
                 known_words: frozenset[str]) -> None:
        self._places = places
        self._ambiguous = ambiguous
        self._known = known_words
        home = [key for key, place in places.items() if place.comune in CONSORTIUM_TOWNS
                and key not in ambiguous and len(key.replace(" ", "")) >= _MIN_FUZZY_LENGTH]
        self._fuzzy_keys = sorted(home)
        self._squashed = {key: key for key in home if " " not in key}
        self._first_words = frozenset(key.split()[0] for key in places)
        self._squash_starts = frozenset(key[:length] for key in self._squashed
                                        for length in range(1, len(key)))

    @classmethod
    def build(cls, data: NluData, lexicon: Iterable[str], is_word: Callable[[str], bool],
              vocabulary: Iterable[str]) -> "Gazetteer":
        """From the training data; `lexicon` and `is_word` know the Italian words,
        `vocabulary` the words of the training examples."""
        comuni = {name for name in data.lookups.get("comune", [])}
        frazioni = {name for name in data.lookups.get("frazione", [])}
        parent: dict[str, str] = {}
        slugs = {_slug(name): name for name in comuni}
        for table, names in data.lookups.items():
            town = slugs.get(table.removeprefix("frazione_"))
            if table.startswith("frazione_") and town:
                parent.update({name: town for name in names})
        annotated = [(entity.entity, entity.text, entity.value) for example in data.examples
                     for entity in example.entities if entity.entity in ("comune", "frazione")]
        comuni.update(value for entity, _, value in annotated if entity == "comune")
        frazioni.update(value for entity, _, value in annotated if entity == "frazione")

        def place(value: str) -> Place | None:
            if value in frazioni:
                return Place("frazione", value, parent.get(value, ""))
            if value in comuni:
                return Place("comune", value, value)
            return None

        places: dict[str, Place] = {}
        written = [(name, name) for name in comuni | frazioni]
        written += list(data.synonyms.items())
        written += [(text, value) for _, text, value in annotated]
        for text, value in written:
            found = place(value)
            key = variant_key(text)
            if found is not None and key and key not in places:
                places[key] = found
        ambiguous = frozenset(key for key in places if " " not in key and is_word(key))
        town_words = {word for key in places for word in key.split()}
        known = {fold(word) for word in vocabulary} - town_words
        return cls(places, ambiguous, frozenset(known | _near_words(places, ambiguous, lexicon)))

    def frazione_towns(self) -> dict[str, str]:
        """The town of each district, by the district's variant key."""
        return {key: place.comune for key, place in self._places.items()
                if place.entity == "frazione"}

    def words(self) -> set[str]:
        return {word for key in self._places for word in key.split()}

    def find(self, text: str) -> list[TownMatch]:
        folded = fold(text)
        tokens = [(match.group(), match.start(), match.end())
                  for match in _TOKEN.finditer(folded)]
        words = [token for token, _, _ in tokens]
        taken = [False] * len(words)
        found: list[TownMatch] = []

        def take(first: int, size: int, place: Place) -> None:
            taken[first : first + size] = [True] * size
            found.append(TownMatch(place.entity, place.value, place.comune,
                                   tokens[first][1], tokens[first + size - 1][2]))

        for first in range(len(words)):
            if taken[first] or (words[first] not in self._first_words
                                and words[first] not in self._squash_starts):
                continue
            if self._after_street(words, first):
                continue
            for size in range(min(_MAX_WINDOW, len(words) - first), 0, -1):
                place = self._exact(words[first : first + size])
                if place is not None and not any(taken[first : first + size]):
                    wider = self._misspelt_before(words, taken, first + size)
                    if wider is not None:
                        take(*wider)
                    elif self._is_place(words, first, size, place, text, tokens):
                        take(first, size, place)
                    break
        for index, word in enumerate(words):
            if taken[index] or word in self._known or not word.isalpha():
                continue
            for size in (3, 2, 1):
                for first in range(max(0, index - size + 1), min(index, len(words) - size) + 1):
                    if any(taken[first : first + size]) or self._after_street(words, first):
                        continue
                    place = self._fuzzy(words[first : first + size])
                    if place is not None and not self._club(words, first, size, place):
                        take(first, size, place)
                        break
                if taken[index]:
                    break
        return sorted(found, key=lambda match: match.start)

    def _misspelt_before(self, words: list[str], taken: list[bool],
                         end: int) -> tuple[int, int, Place] | None:
        """A longer misspelt name ending in an exact one: "rivolta di torino" is Rivalta
        di Torino, not Torino."""
        for size in (3, 2):
            first = end - size
            if first < 0 or any(taken[first:end]):
                continue
            place = self._fuzzy(words[first:end])
            if place is not None:
                return first, size, place
        return None

    def _exact(self, window: list[str]) -> Place | None:
        place = self._places.get(" ".join(window))
        if place is None and len(window) == 2:
            key = self._squashed.get(window[0] + window[1])
            place = self._places[key] if key else None
        return place

    def _fuzzy(self, window: list[str]) -> Place | None:
        if len(window) == 1 and len(window[0]) < _MIN_FUZZY_LENGTH:
            return None
        if len(window) > 1 and min(len(word) for word in window) < 2:
            return None
        for candidate in dict.fromkeys((" ".join(window), "".join(window))):
            limit = _fuzzy_limit(len(candidate)) if len(window) == 1 else 1
            best = extractOne(candidate, self._keys_near(len(candidate), limit),
                              scorer=Levenshtein.distance, score_cutoff=limit)
            if best is not None and best[0][0] == candidate[0]:
                return self._places[best[0]]
        return None

    def _keys_near(self, length: int, limit: int) -> list[str]:
        """The fuzzy keys at most `limit` letters longer or shorter than `length`, in their
        order: the others are more than `limit` edits away, so extractOne gives the same
        answer without scoring them (a quarter of the work for most windows)."""
        near = self._near_lengths.get((length, limit))
        if near is None:
            near = [key for key in self._fuzzy_keys if abs(len(key) - length) <= limit]
            self._near_lengths[(length, limit)] = near
        return near

    @cached_property
    def _near_lengths(self) -> dict[tuple[int, int], list[str]]:
        return {}

    def __getstate__(self) -> dict[str, object]:
        """What is pickled with the model: no cache, as before there was one."""
        return {key: value for key, value in self.__dict__.items() if key != "_near_lengths"}

    def _is_place(self, words: list[str], first: int, size: int, place: Place, text: str,
                  tokens: list[tuple[str, int, int]]) -> bool:
        if self._after_street(words, first):
            return False
        if self._club(words, first, size, place):
            return False
        if size > 1 or words[first] not in self._ambiguous:
            return True
        before = words[first - 1] if first > 0 else ""
        after = words[first + 1 : first + 3]
        neighbours = [before, *after[:1], *(after[1:2] if after[:1] == ["di"] else [])]
        next_to_town = any(self._places.get(word, place).comune == place.comune
                           and self._places.get(word) is not None for word in neighbours)
        of_place = before == "di" and any(word in _PLACE_NOUNS
                                          for word in words[max(0, first - 4) : first - 1])
        start = tokens[first][1]
        capitalised = first > 0 and text[start].isupper() and not text.isupper()
        return before in _PLACE_CUES or next_to_town or of_place or capitalised

    @staticmethod
    def _club(words: list[str], first: int, size: int, place: Place) -> bool:
        """The town's own name after a masculine article: its football club."""
        return (first > 0 and words[first - 1] in _CLUB_ARTICLES
                and variant_key(" ".join(words[first : first + size])) == variant_key(place.value))

    @staticmethod
    def _after_street(words: list[str], first: int) -> bool:
        return first > 0 and words[first - 1] in _STREET_WORDS


def _near_words(places: dict[str, Place], ambiguous: frozenset[str],
                lexicon: Iterable[str]) -> set[str]:
    """Italian words a fuzzy match could mistake for a town."""
    keys = [key for key, place in places.items()
            if " " not in key and key not in ambiguous and len(key) >= _MIN_FUZZY_LENGTH
            and place.comune in CONSORTIUM_TOWNS]
    return words_near(keys, lexicon, _NEAR_DISTANCE)
