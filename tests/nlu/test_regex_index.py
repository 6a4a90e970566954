"""The regex index: it may only skip regexes that cannot match, and finds the same spans."""

import re

import pytest

from bot.nlu import NluPipeline
from bot.nlu.regex_index import RegexIndex, find_all, first_words


@pytest.mark.parametrize(("pattern", "words"), [
    (r"\bnon\s(\w+\s)?respira", {"non"}),
    (r"\b(tanto|molto|pieno di)\ssangue\b", {"tanto", "molto", "pieno"}),
    (r"\bsvien\w*|\bsvenut\w*", {"svien", "svenut"}),
    (r"\bbattut[oa]\s", {"battuto", "battuta"}),
    (r"\bab?c", {"a"}),
    (r"\b(a|)c", {"ac", "c"}),
    (r"(?<!appena\s)\bavut[oa]\b", {"avuto", "avuta"}),
    (r"^(?=.*\b(ho paura|abbiamo paura)\b)(?=.*\bmarito)", {"ho", "abbiamo"}),
    (r"(?i)\bfoo", None),  # another case would match too
    (r"\b(\w+)\sterra", None),  # any word
    (r"x\bfoo", None),  # does not start at a word
    (r"\b\d+ euro", None),
    (r"^(?=.*\d)(?=.*\bciao)", None),
])
def test_first_words(pattern: str, words: set[str] | None) -> None:
    found = first_words(re.compile(pattern))
    assert found == (None if words is None else frozenset(words))


PATTERNS = [r"\bnon\s(\w+\s)?respira", r"\b(mi|ci)\s(\w+\s)?picchia", r"\bsuicid\w*",
            r"^(?=.*\bpaura\b)(?=.*\bmarito\b)", r"\b(\w+)\sterra", r"\ba\b"]
TEXTS = ["", "non respira", "mio padre non respira piu e non respira", "lui mi picchia",
         "ci picchia e mi picchia", "ho paura di mio marito", "a terra", "a a a", "nonno",
         "suicidio suicida", "picchia mi", "marito paura"]


@pytest.mark.parametrize("text", TEXTS)
def test_candidates_give_the_spans_of_finditer(text: str) -> None:
    index = RegexIndex()
    compiled = [re.compile(pattern) for pattern in PATTERNS]
    keys = [index.add(pattern) for pattern in compiled]
    candidates = index.candidates(text)
    for key, pattern in zip(keys, compiled, strict=True):
        spans = [match.span() for match in pattern.finditer(text)]
        if key in candidates:
            assert find_all(pattern, text, candidates[key]) == spans
        else:
            assert spans == []


def test_the_safety_regexes_are_indexed(nlu: NluPipeline) -> None:
    """Nearly every regex of nlu/safety starts with words: an unindexed one costs a search
    of every message."""
    index = RegexIndex()
    for items in nlu.model.rules.regexes.values():
        for pattern in items:
            index.add(re.compile(pattern))
    assert len(index.candidates("")) <= 3
