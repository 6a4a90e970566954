"""Message features: character n-grams of the folded words and word n-grams of their lemmas,
weighted by TF-IDF. The comparison that chose them is in `benchmarks/nlu_classifiers.py`.

scikit-learn learns the vocabulary and the weights; a parse only needs them, so the loaded
pipeline keeps plain arrays and does the sum itself (no scikit-learn import, no per-call
validation: a few microseconds a message instead of a millisecond).
"""

import math
from collections import Counter
from collections.abc import Callable
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

Analysed = tuple[list[str], list[str]]  # folded words, their lemmas
_CHAR_SIZES = range(2, 6)
_MIN_DOCUMENTS = 2
_CACHE_SIZE = 100_000


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

    def row(self, message: Analysed, offset: int) -> tuple[list[int], list[float]]:
        """(1 + log tf) * idf, unit length, as scikit-learn computes it."""
        counts = Counter(self._columns(message))
        weights = [(1.0 + math.log(count)) * float(self.idf[column])
                   for column, count in counts.items()]
        norm = math.sqrt(sum(weight * weight for weight in weights)) or 1.0
        return [column + offset for column in counts], [weight / norm for weight in weights]


class MessageVectoriser:
    def __init__(self) -> None:
        self._blocks = [_Block(char_terms, _MIN_DOCUMENTS, token_char_terms),
                        _Block(word_terms, 1)]

    def fit_transform(self, analysed: list[Analysed]) -> sp.csr_matrix:
        for block in self._blocks:
            block.fit(analysed)
        return self.transform(analysed)

    def transform(self, analysed: list[Analysed]) -> sp.csr_matrix:
        data: list[float] = []
        columns: list[int] = []
        pointers = [0]
        for message in analysed:
            offset = 0
            for block in self._blocks:
                found, weights = block.row(message, offset)
                columns.extend(found)
                data.extend(weights)
                offset += len(block.vocabulary)
            pointers.append(len(columns))
        width = sum(len(block.vocabulary) for block in self._blocks)
        return sp.csr_matrix((np.array(data, dtype=np.float32),
                              np.array(columns, dtype=np.int32),
                              np.array(pointers, dtype=np.int32)),
                             shape=(len(analysed), width))
