"""Message features: character n-grams of the folded words and word n-grams of their lemmas,
weighted by TF-IDF. The comparison that chose them is in `benchmarks/nlu_classifiers.py`.

scikit-learn learns the vocabulary and the weights; a parse only needs them, so the loaded
pipeline keeps plain arrays and does the sum itself (no scikit-learn import, no per-call
validation: a few microseconds a message instead of a millisecond). A message's features are
a `Row` of numpy arrays, not a scipy matrix: building and multiplying a one-row sparse matrix
costs more in scipy's checks than in the arithmetic. Training still gets a CSR matrix.
"""

import math
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

Analysed = tuple[list[str], list[str]]  # folded words, their lemmas
_CHAR_SIZES = range(2, 6)
_MIN_DOCUMENTS = 2
_CACHE_SIZE = 100_000


class Row(NamedTuple):
    """One message's features: the columns that are not zero and their weights."""

    columns: np.ndarray  # intp, distinct
    weights: np.ndarray  # float32, same length


def csr_of(rows: Sequence[Row], width: int) -> sp.csr_matrix:
    """The rows as one matrix, for training (the dtypes scikit-learn always got)."""
    pointers = np.cumsum([0, *(len(row.columns) for row in rows)], dtype=np.int32)
    data = np.concatenate([np.zeros(0, np.float32), *(row.weights for row in rows)])
    columns = np.concatenate([np.zeros(0, np.intp), *(row.columns for row in rows)])
    return sp.csr_matrix((data, columns.astype(np.int32), pointers), shape=(len(rows), width))


# 1 + log(tf) for the usual term counts. math.log, not numpy's log, which differs in the last
# bit on some processors: the rows must stay those the saved models were trained on.
_SUBLINEAR = np.array([0.0, *(1.0 + math.log(count) for count in range(1, 1024))])


def _sublinear(counts: Counter[int]) -> np.ndarray:
    """1 + log(count) of each count, in order."""
    if max(counts.values(), default=0) < len(_SUBLINEAR):
        return _SUBLINEAR.take(np.fromiter(counts.values(), dtype=np.intp, count=len(counts)))
    return np.array([1.0 + math.log(count) for count in counts.values()])


def _norm(weights: np.ndarray) -> float:
    """The Euclidean length, its squares summed one after the other as Python's sum() did
    (numpy's sum adds them pairwise: the last bit could change); 1 for no weights."""
    if not len(weights):
        return 1.0
    return math.sqrt(float(np.add.accumulate(weights * weights)[-1])) or 1.0


def token_char_terms(token: str) -> list[str]:
    """Character 2-5-grams of a folded word, with its edges (" casa " gives " c" ... "a ")."""
    padded = f" {token} "
    return [padded[start : start + size] for size in _CHAR_SIZES
            for start in range(len(padded) - size + 1)]


def char_terms(analysed: Analysed) -> list[str]:
    return [term for token in analysed[0] for term in token_char_terms(token)]


def word_terms(analysed: Analysed) -> list[str]:
    """Lemma unigrams and bigrams."""
    words = [lemma for lemma in analysed[1] if any(char.isalnum() for char in lemma)]
    return words + [f"{first} {second}" for first, second in pairwise(words)]


class _Block:
    """One TF-IDF block: its terms, vocabulary and weights, as scikit-learn learnt them."""

    def __init__(self, terms: Callable[[Analysed], list[str]], min_documents: int,
                 per_token: Callable[[str], list[str]] | None = None) -> None:
        self.terms = terms
        self.min_documents = min_documents
        self.per_token = per_token  # terms that depend on one word only, so they are cached
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float32)
        self._cache: dict[str, list[int]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_cache": {}}

    def _columns(self, message: Analysed) -> list[int]:
        if self.per_token is None:
            return [column for term in self.terms(message)
                    if (column := self.vocabulary.get(term)) is not None]
        columns: list[int] = []
        for token in message[0]:
            found = self._cache.get(token)
            if found is None:
                if len(self._cache) > _CACHE_SIZE:
                    self._cache.clear()
                found = [column for term in self.per_token(token)
                         if (column := self.vocabulary.get(term)) is not None]
                self._cache[token] = found
            columns.extend(found)
        return columns

    def fit(self, analysed: list[Analysed]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        learner = TfidfVectorizer(analyzer=self.terms, min_df=self.min_documents,
                                  sublinear_tf=True, dtype=np.float32)
        learner.fit(analysed)
        self.vocabulary = {str(term): int(column)
                           for term, column in learner.vocabulary_.items()}
        self.idf = learner.idf_.astype(np.float32)

    def weights(self, message: Analysed) -> tuple[np.ndarray, np.ndarray]:
        """The block's columns in the message and their weights, (1 + log tf) * idf, unit
        length, as scikit-learn computes them (in float64)."""
        counts = Counter(self._columns(message))
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        weights = _sublinear(counts)
        weights *= self.idf.take(columns)
        weights /= _norm(weights)
        return columns, weights


class MessageVectoriser:
    def __init__(self) -> None:
        self._blocks = [_Block(char_terms, _MIN_DOCUMENTS, token_char_terms),
                        _Block(word_terms, 1)]

    @property
    def width(self) -> int:
        """The number of columns: the blocks side by side."""
        return sum(len(block.vocabulary) for block in self._blocks)

    def fit_transform(self, analysed: list[Analysed]) -> sp.csr_matrix:
        for block in self._blocks:
            block.fit(analysed)
        return self.transform(analysed)

    def transform(self, analysed: list[Analysed]) -> sp.csr_matrix:
        return csr_of(self.rows(analysed), self.width)

    def rows(self, analysed: Sequence[Analysed]) -> list[Row]:
        return [self.row(message) for message in analysed]

    def row(self, message: Analysed) -> Row:
        """The message's features, the blocks side by side: a row of `transform`."""
        columns = []
        weights = []
        offset = 0
        for block in self._blocks:
            found, weighed = block.weights(message)
            columns.append(found + offset if offset else found)
            weights.append(weighed)
            offset += len(block.vocabulary)
        return Row(np.concatenate(columns), np.concatenate(weights).astype(np.float32))
