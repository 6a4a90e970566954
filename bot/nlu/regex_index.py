"""Which of many regexes can match a text, from the beginnings of its words.

The safety net has a few hundred regexes and nearly every one starts with `\\b` and a choice of
literal words: `\\b(mi|ci)\\s(\\w+\\s)?picchia`. Such a regex can only match where a word of
the text begins with "mi" or "ci". Searching every regex (or all of a signal's at once) at
every position of every message was the largest cost of a parse; looking the message's word
beginnings up in an index finds the few regexes worth running, and gives the same matches.

The words a regex needs are read from Python's own parse of it (`re._parser`, private but
the only exact reading of the syntax). Any regex whose start is not understood is always run.
"""

import re
import re._constants as sre
import re._parser
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

_WORD_CHAR = re.compile(r"\w")
_WORD = re.compile(r"\w+")
# Past this many ways of starting, the regex is always run rather than indexed.
_MAX_STARTS = 2_000
_CACHE_SIZE = 50_000

_Prefixes = tuple[set[str], set[str]]  # (those still going on, those that ended)


def first_words(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Beginnings of words one of which every match of `pattern` needs: "\\b(mi|ci)\\s" gives
    {"mi", "ci"}, "\\bsvien\\w*" {"svien"}. None when the regex does not say."""
    found = _words(pattern)
    return None if found is None else found[0]


def _words(pattern: re.Pattern[str]) -> tuple[frozenset[str], bool] | None:
    """`first_words`, and whether a match starts where such a word does."""
    if pattern.flags & (re.IGNORECASE | re.ASCII | re.LOCALE):
        return None
    return _sequence_words(list(re._parser.parse(pattern.pattern)))


def _sequence_words(items: list[Any]) -> tuple[frozenset[str], bool] | None:
    if len(items) == 1 and items[0][0] is sre.BRANCH:  # "\bfoo|\bbar"
        return _branch_words([_sequence_words(list(branch)) for branch in items[0][1][1]])
    while items and items[0][0] in (sre.ASSERT, sre.ASSERT_NOT) and items[0][1][0] == -1:
        items = items[1:]  # a look-behind reads nothing: the match starts where it is
    if (len(items) >= 2 and items[0][0] is sre.AT and items[0][1] is sre.AT_BEGINNING
            and items[1][0] is sre.ASSERT and items[1][1][0] == 1):
        # "^(?=.*\bfoo)...": whatever else it needs, "foo" must begin a word somewhere.
        body = list(items[1][1][1])
        found = _sequence_words(body[1:]) if body and _is_any_run(body[0]) else None
        return None if found is None else (found[0], False)
    if not items or items[0][0] is not sre.AT or items[0][1] is not sre.AT_BOUNDARY:
        return None
    # After "\b", a word character begins a word: the literal start is a beginning of it.
    starts = _starts(items[1:])
    if starts is None:
        return None
    words = starts[0] | starts[1]
    return (frozenset(words), True) if words and all(words) else None


def _branch_words(branches: list[tuple[frozenset[str], bool] | None],
                  ) -> tuple[frozenset[str], bool] | None:
    words: set[str] = set()
    at_word = True
    for branch in branches:
        if branch is None:
            return None
        words |= branch[0]
        at_word = at_word and branch[1]
    return frozenset(words), at_word


def _is_any_run(item: Any) -> bool:
    """Whether a parsed item is ".*"."""
    op, value = item
    return (op is sre.MAX_REPEAT and value[0] == 0 and value[1] is sre.MAXREPEAT
            and len(value[2]) == 1 and value[2][0][0] is sre.ANY)


def _starts(items: Iterable[Any]) -> _Prefixes | None:
    """The literal word characters a sequence of parsed items can start with."""
    going, ended = {""}, set()
    for op, value in items:
        step = _step(op, value)
        if step is None:
            return None
        more, stop = step
        ended |= {start + end for start in going for end in stop}
        going = {start + rest for start in going for rest in more}
        if len(going) + len(ended) > _MAX_STARTS:
            return None
        if not going:
            break
    return going, ended


def _step(op: Any, value: Any) -> _Prefixes | None:
    """How one parsed item goes on from a start: the characters added to the starts that
    still go on, and to those that end with it (an empty string: the start ends here)."""
    if op is sre.LITERAL:
        char = chr(value)
        return ({char}, set()) if _WORD_CHAR.match(char) else (set(), {""})
    if op is sre.IN and all(kind is sre.LITERAL for kind, _ in value):  # "[oa]"
        chars = {chr(code) for _, code in value}
        return (chars, set()) if all(_WORD_CHAR.match(char) for char in chars) else (set(), {""})
    if op is sre.SUBPATTERN:
        _, added_flags, removed_flags, body = value
        return None if added_flags or removed_flags else _starts(body)
    if op is sre.BRANCH:
        going: set[str] = set()
        ended: set[str] = set()
        for branch in value[1]:
            found = _starts(branch)
            if found is None:
                return None
            going |= found[0]
            ended |= found[1]
        return going, ended
    return set(), {""}  # a class, a repeat, an assertion...: the literal start ends


MatchStarts = list[int] | None  # where a regex may match in a text; None: anywhere


class _WordKeys(NamedTuple):
    """The regexes a word may wake up."""

    anywhere: frozenset[int]  # "^(?=.*\bword)...": a match starts at the text's start
    at_word: tuple[int, ...]  # a match can only start where the word does


class RegexIndex:
    """Regexes by the word beginnings they need; `candidates` gives those a text may match."""

    def __init__(self) -> None:
        self._by_start: dict[str, set[int]] = {}
        self._always: set[int] = set()
        self._anywhere: set[int] = set()  # indexed, but a match need not start at the word
        self._longest = 0
        self._size = 0
        self._cache: dict[str, _WordKeys] = {}  # word -> the regexes it may start

    def add(self, pattern: re.Pattern[str]) -> int:
        """Indexes `pattern`; its key in `candidates`."""
        key = self._size
        self._size += 1
        self._cache.clear()
        found = _words(pattern)
        if found is None:
            self._always.add(key)
            return key
        words, at_word = found
        if not at_word:
            self._anywhere.add(key)
        for word in words:
            self._by_start.setdefault(word, set()).add(key)
            self._longest = max(self._longest, len(word))
        return key

    def candidates(self, text: str) -> dict[int, MatchStarts]:
        """The regexes that may match `text` (the others cannot), with the offsets of the
        words where a match may start."""
        anywhere = set(self._always)
        starts: defaultdict[int, list[int]] = defaultdict(list)
        for word in _WORD.finditer(text):
            keys = self._of_word(word.group())
            anywhere.update(keys.anywhere)
            for key in keys.at_word:
                starts[key].append(word.start())
        found: dict[int, MatchStarts] = dict.fromkeys(anywhere)
        found.update(starts)
        return found

    def _of_word(self, word: str) -> _WordKeys:
        keys = self._cache.get(word)
        if keys is None:
            found = {key for size in range(1, min(len(word), self._longest) + 1)
                     for key in self._by_start.get(word[:size], ())}
            keys = _WordKeys(frozenset(found & self._anywhere), tuple(found - self._anywhere))
            if len(self._cache) > _CACHE_SIZE:
                self._cache.clear()
            self._cache[word] = keys
        return keys


def find_all(pattern: re.Pattern[str], text: str, starts: MatchStarts) -> list[tuple[int, int]]:
    """The spans of `pattern.finditer(text)`, trying to match only at `starts` (ascending)
    when given: a match starting elsewhere is impossible, and scanning the text is not."""
    if starts is None:
        return [match.span() for match in pattern.finditer(text)]
    spans: list[tuple[int, int]] = []
    end = 0
    for start in starts:
        # Like finditer, the next match is searched from where the last one ended. No
        # indexed regex matches the empty string: each needs a word's first letters.
        if start >= end and (match := pattern.match(text, start)) is not None:
            spans.append(match.span())
            end = match.end()
    return spans
