"""The safety net: danger signals matched beside the classifier, recall first.

Signals live in `nlu/safety/*.yml` as Rasa lookup tables and regexes, one group per signal.
A group named `<signal>_except` holds the hard negatives of that signal ("mi ammazzo di
lavoro"): a danger match on the same words as one of them does not count.

Everything is matched on the words of the message as the pipeline reads them (lowercase, no
accents, SMS abbreviations spelt out, punctuation dropped) with doubled letters made single.
Lookup phrases also match the same words made lemmas (regexes carry their inflections as
stems). A word one typo away from a word of the signals, and unknown to the training data
and to the Italian lexicon, is read as that word.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

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


@dataclass
class _Group:
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    _sizes: dict[str, set[int]] = field(default_factory=dict)  # first word -> phrase lengths
    _any: re.Pattern[str] | None = None  # all the regexes at once: most messages match none

    def add_pattern(self, pattern: str) -> None:
        self.patterns.append(re.compile(pattern))
        self._any = re.compile("|".join(f"(?:{item.pattern})" for item in self.patterns))

    def add_phrase(self, words: tuple[str, ...]) -> None:
        self.phrases.add(words)
        self._sizes.setdefault(words[0], set()).add(len(words))

    def spans(self, form: "_Form", patterns: bool = True) -> list[tuple[int, int]]:
        """The first and last word of each match in `form`; `patterns`: the regexes too."""
        found = []
        if patterns and self._any is not None and self._any.search(form.text):
            found = [form.words(*match.span()) for pattern in self.patterns
                     for match in pattern.finditer(form.text)]
        words = form.tokens
        for start, word in enumerate(words):
            for size in self._sizes.get(word, ()):
                if tuple(words[start : start + size]) in self.phrases:
                    found.append((start, start + size - 1))
        return found


Analyse = Callable[[str], tuple[list[str], list[str]]]


class _Form:
    """One reading of the message (its words, or their lemmas) with word positions."""

    def __init__(self, words: list[str]) -> None:
        self.tokens = words
        self.text = " ".join(words)
        self._word_at: list[int] = []
        for index, word in enumerate(words):
            self._word_at.extend([index] * (len(word) + 1))

    def words(self, start: int, end: int) -> tuple[int, int]:
        """The first and last word a character span touches."""
        last = max(start, end - 1)
        return self._word_at[min(start, len(self._word_at) - 1)], self._word_at[
            min(last, len(self._word_at) - 1)]


class SafetyNet:
    def __init__(self, data: NluData, analyse: Analyse, known_words: frozenset[str]) -> None:
        """`analyse` gives the words and lemmas of a text, as the pipeline reads them."""
        self._analyse = analyse
        self._known = known_words
        self._groups: dict[str, _Group] = {}
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
                            group.add_phrase(tuple(form.tokens))
                if name == signal:
                    vocabulary.update(word for pair in phrases for word in pair[0].text.split())
            for pattern in data.regexes.get(name, []):
                group.add_pattern(squeeze_pattern(pattern))
        self._vocabulary = sorted(word for word in vocabulary
                                  if len(word) >= _MIN_FUZZY_LENGTH)
        self._vocabulary_set = frozenset(self._vocabulary)

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
            if (len(word) < _MIN_FUZZY_LENGTH or word in self._vocabulary_set
                    or word in self._known):
                continue
            found = extractOne(word, self._vocabulary, scorer=Levenshtein.distance,
                               score_cutoff=1)
            if found is not None:
                words[index] = found[0]
                changed = True
        return _Form(words) if changed else None

    def _readings(self, text: str, analysed: tuple[list[str], list[str]] | None,
                  ) -> tuple[list[_Form], _Form]:
        written, lemmas = self._forms(text, analysed)
        forms = [written, lemmas]
        corrected = self._corrected(written)
        if corrected is not None:
            forms.append(corrected)
        return (forms if written.text else []), lemmas

    def match(self, text: str,
              analysed: tuple[list[str], list[str]] | None = None) -> list[str]:
        """The signals found in `text`, in the order of SIGNALS. `analysed`: the words and
        lemmas of `text`, when the caller has them already."""
        forms, lemmas = self._readings(text, analysed)
        found: list[str] = []
        for signal in SIGNALS:
            group = self._groups.get(signal)
            if group is None:
                continue
            exceptions = self._groups.get(signal + EXCEPT_SUFFIX)
            readable = [form for form in forms
                        if form is not lemmas or signal not in _PERSON_SIGNALS]
            matches = [span for form in readable
                       for span in group.spans(form, form is not lemmas)]
            if not matches:
                continue
            excluded = [span for form in readable
                        for span in (exceptions.spans(form, form is not lemmas)
                                     if exceptions else [])]
            if any(all(last < ex_first or first > ex_last for ex_first, ex_last in excluded)
                   for first, last in matches):
                found.append(signal)
        return found

    def hard_negative(self, text: str,
                      analysed: tuple[list[str], list[str]] | None = None) -> bool:
        """Whether the message holds a hard negative of some signal ("morire dal ridere")."""
        forms, lemmas = self._readings(text, analysed)
        return any(group.spans(form, form is not lemmas) for name, group in self._groups.items()
                   if name.endswith(EXCEPT_SUFFIX) for form in forms)
