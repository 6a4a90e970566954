"""The safety net: danger signals matched beside the classifier, recall first.

Signals live in `nlu/safety/*.yml` as Rasa lookup tables and regexes, one group per signal.
A group named `<signal>_except` holds the hard negatives of that signal ("mi ammazzo di
lavoro"): a danger match on the same words as one of them does not count.

Everything is matched on the words of the message as the pipeline reads them (lowercase, no
accents, SMS abbreviations spelt out, punctuation dropped) with doubled letters made single.
Lookup phrases also match the same words made lemmas (regexes carry their inflections as
stems). A word one typo away from a word of the signals, and unknown to the training data
and to the Italian lexicon, is read as that word.

A message is read once (`read`) for the signals and the hard negatives: a regex is only tried
where a word of the message can start it (`regex_index`) and the phrases of every group are
looked up in one pass, so that most messages wake up no group at all.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from bot.nlu.regex_index import MatchStarts, RegexIndex, find_all
from bot.nlu.text import squeeze
from bot.nlu.training_data import NluData

SIGNALS = (
    "suicide_selfharm",
    "violence_threat",
    "medical_emergency",
    "not_seen_for_days",
    "no_food_tonight",
    "no_roof_tonight",
    "newborn_no_heating",
)
EXCEPT_SUFFIX = "_except"
# Lemmas erase the person ("mi uccido" and "mi uccide" share "mi uccidere"), which these
# signals depend on: they are matched on the written words only.
_PERSON_SIGNALS = frozenset({"suicide_selfharm", "violence_threat"})
_MIN_FUZZY_LENGTH = 5
_CACHE_SIZE = 50_000
_WORD = re.compile(r"[^\W_]")


def squeeze_pattern(pattern: str) -> str:
    """The regex as it reads on squeezed text: doubled literal letters made single.

    Escapes (`\\b`, `\\w`) are copied untouched so that `\\bbasta` keeps its word boundary.
    """
    out: list[str] = []
    previous = ""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            out.append(pattern[index : index + 2])
            previous = ""
            index += 2
            continue
        if not (char.isalpha() and char == previous):
            out.append(char)
        previous = char if char.isalpha() else ""
        index += 1
    return "".join(out)


@dataclass(eq=False)  # compared and hashed by identity: a reading holds a set of groups
class _Group:
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    patterns: dict[int, re.Pattern[str]] = field(default_factory=dict)  # by index key

    def add_pattern(self, pattern: str, index: RegexIndex) -> None:
        compiled = re.compile(pattern)
        self.patterns[index.add(compiled)] = compiled

    def spans(self, form: "_Form") -> list[tuple[int, int]]:
        """The first and last word of each match in `form`: of its regexes, those `form` may
        match (the others cannot); of its phrases, those `form` holds."""
        if self not in form.groups:  # most messages: nothing of the group can match
            return []
        # Keys grow as regexes are added: sorted, they are the regexes in the data's order.
        found = [form.words(*span) for key in sorted(form.regexes.keys() & self.patterns.keys())
                 for span in find_all(self.patterns[key], form.text, form.regexes[key])]
        return found + form.phrases.get(self, [])


Analyse = Callable[[str], tuple[list[str], list[str]]]


class _Form:
    """One reading of the message (its words, or their lemmas) with word positions."""

    def __init__(self, words: list[str]) -> None:
        self.tokens = words
        self.text = " ".join(words)
        self.regexes: dict[int, MatchStarts] = {}  # the regexes to run on it: none on lemmas
        self.phrases: dict[_Group, list[tuple[int, int]]] = {}  # the phrases found, by group
        self.groups: set[_Group] = set()  # the groups that may match it

    @cached_property
    def _word_at(self) -> list[int]:
        """The word of each character; built when a regex matches, which is seldom."""
        word_at: list[int] = []
        for index, word in enumerate(self.tokens):
            word_at.extend([index] * (len(word) + 1))
        return word_at

    def words(self, start: int, end: int) -> tuple[int, int]:
        """The first and last word a character span touches."""
        last = max(start, end - 1)
        return self._word_at[min(start, len(self._word_at) - 1)], self._word_at[
            min(last, len(self._word_at) - 1)]


@dataclass(frozen=True)
class Reading:
    """A message as the safety net reads it: its written words (and their typos corrected)
    with the regexes they may match, and its lemmas."""

    forms: list[_Form]
    lemmas: _Form


class SafetyNet:
    def __init__(self, data: NluData, analyse: Analyse, known_words: frozenset[str]) -> None:
        """`analyse` gives the words and lemmas of a text, as the pipeline reads them."""
        self._analyse = analyse
        self._known = known_words
        self._groups: dict[str, _Group] = {}
        self._regexes = RegexIndex()
        self._corrections: dict[str, str | None] = {}  # word -> the signal word it is a typo of
        vocabulary: set[str] = set()
        for name in {*data.lookups, *data.regexes}:
            signal = name.removesuffix(EXCEPT_SUFFIX)
            if signal not in SIGNALS:
                continue
            group = self._groups.setdefault(name, _Group())
            phrases = [self._forms(phrase) for phrase in data.lookups.get(name, [])]
            if phrases:
                for pair in phrases:
                    for form in pair:
                        if form.tokens:
                            group.phrases.add(tuple(form.tokens))
                if name == signal:
                    vocabulary.update(word for pair in phrases for word in pair[0].text.split())
            for pattern in data.regexes.get(name, []):
                group.add_pattern(squeeze_pattern(pattern), self._regexes)
        self._vocabulary = sorted(word for word in vocabulary
                                  if len(word) >= _MIN_FUZZY_LENGTH)
        self._vocabulary_set = frozenset(self._vocabulary)
        # What makes a group worth trying on a message: one of its regexes may match, or the
        # message holds one of its phrases. The phrases of all groups are looked for at once.
        self._group_of: dict[int, _Group] = {}  # regex key -> its group
        self._phrases: dict[tuple[str, ...], list[_Group]] = {}  # phrase -> the groups with it
        self._phrase_sizes: dict[str, set[int]] = {}  # first word -> phrase lengths
        for group in self._groups.values():
            self._group_of.update(dict.fromkeys(group.patterns, group))
            for phrase in group.phrases:
                self._phrases.setdefault(phrase, []).append(group)
                self._phrase_sizes.setdefault(phrase[0], set()).add(len(phrase))

    def _forms(self, text: str,
               analysed: tuple[list[str], list[str]] | None = None) -> tuple[_Form, _Form]:
        tokens, lemmas = analysed or self._analyse(text)
        pairs = [(squeeze(token.strip("'")), squeeze(lemma.strip("'")))
                 for token, lemma in zip(tokens, lemmas, strict=True) if _WORD.search(token)]
        return _Form([token for token, _ in pairs]), _Form([lemma for _, lemma in pairs])

    def typo_targets(self) -> list[str]:
        """The words a typo is corrected to; training learns the real words near them."""
        return list(self._vocabulary)

    def _corrected(self, form: _Form) -> _Form | None:
        """The words one typo away from a signal word read as that word, if any is."""
        words = form.text.split()
        changed = False
        for index, word in enumerate(words):
            found = self._correction(word)
            if found is not None:
                words[index] = found
                changed = True
        return _Form(words) if changed else None

    def _correction(self, word: str) -> str | None:
        """The signal word `word` is a typo of. Cached: a fuzzy search over the signal words
        costs more than the rest of the word's reading."""
        if (len(word) < _MIN_FUZZY_LENGTH or word in self._vocabulary_set
                or word in self._known):
            return None
        if word not in self._corrections:
            found = extractOne(word, self._vocabulary, scorer=Levenshtein.distance,
                               score_cutoff=1)
            if len(self._corrections) > _CACHE_SIZE:
                self._corrections.clear()
            self._corrections[word] = None if found is None else found[0]
        return self._corrections[word]

    def read(self, text: str, analysed: tuple[list[str], list[str]] | None = None) -> Reading:
        """`text` as `signals` and `has_hard_negative` read it; `analysed`: the words and
        lemmas of `text`, when the caller has them already."""
        written, lemmas = self._forms(text, analysed)
        forms = [written, lemmas]
        corrected = self._corrected(written)
        if corrected is not None:
            forms.append(corrected)
        for form in forms:
            if form is not lemmas:  # regexes carry their inflections: not read on lemmas
                form.regexes = self._regexes.candidates(form.text)
            form.phrases = self._phrase_spans(form.tokens)
            form.groups = {self._group_of[key] for key in form.regexes} | form.phrases.keys()
        return Reading(forms if written.text else [], lemmas)

    def _phrase_spans(self, words: list[str]) -> dict[_Group, list[tuple[int, int]]]:
        """The first and last word of each phrase in `words`, by group."""
        found: dict[_Group, list[tuple[int, int]]] = {}
        for start, word in enumerate(words):
            for size in self._phrase_sizes.get(word, ()):
                for group in self._phrases.get(tuple(words[start : start + size]), ()):
                    found.setdefault(group, []).append((start, start + size - 1))
        return found

    def match(self, text: str,
              analysed: tuple[list[str], list[str]] | None = None) -> list[str]:
        """The signals found in `text`, in the order of SIGNALS. `analysed`: the words and
        lemmas of `text`, when the caller has them already."""
        return self.signals(self.read(text, analysed))

    def signals(self, reading: Reading) -> list[str]:
        """The signals found in the message, in the order of SIGNALS."""
        found: list[str] = []
        for signal in SIGNALS:
            group = self._groups.get(signal)
            if group is None:
                continue
            exceptions = self._groups.get(signal + EXCEPT_SUFFIX)
            readable = [form for form in reading.forms
                        if form is not reading.lemmas or signal not in _PERSON_SIGNALS]
            matches = [span for form in readable for span in group.spans(form)]
            if not matches:
                continue
            excluded = [span for form in readable
                        for span in (exceptions.spans(form) if exceptions else [])]
            if any(all(last < ex_first or first > ex_last for ex_first, ex_last in excluded)
                   for first, last in matches):
                found.append(signal)
        return found

    def hard_negative(self, text: str,
                      analysed: tuple[list[str], list[str]] | None = None) -> bool:
        """Whether the message holds a hard negative of some signal ("morire dal ridere")."""
        return self.has_hard_negative(self.read(text, analysed))

    def has_hard_negative(self, reading: Reading) -> bool:
        """`hard_negative` of a message already read."""
        return any(group.spans(form) for name, group in self._groups.items()
                   if name.endswith(EXCEPT_SUFFIX) for form in reading.forms)
