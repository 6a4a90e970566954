"""Cue words of the report categories (`lookup: category_<name>` in `nlu/lookups/`) as extra
features of the category classifier, the way Rasa's RegexFeaturizer turns lookup tables into
features: one column per table, set when the message holds one of its phrases.

With ~55 examples a category, the classifier learns more from "sfratto" naming housing than
from the many ways a message is written; cross-validation figures in the NLU report.
"""

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from bot.nlu.features import Analysed, Row

PREFIX = "category_"
# The weight of a cue column beside the unit-length TF-IDF rows, chosen by cross-validation.
CUE_WEIGHT = 0.5


class CategoryCues:
    def __init__(self, lookups: dict[str, list[str]],
                 analyse: Callable[[str], Analysed]) -> None:
        self.names = sorted(name for name in lookups if name.startswith(PREFIX))
        # first word -> (column, phrase); a phrase is matched on the words and on the lemmas
        self._phrases: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for column, name in enumerate(self.names):
            for item in lookups[name]:
                found, lemmas = analyse(item)
                for phrase in {tuple(found), tuple(lemmas)}:
                    if phrase:
                        self._phrases.setdefault(phrase[0], []).append((column, phrase))

    def columns(self, message: Analysed) -> set[int]:
        hits: set[int] = set()
        for sequence in message:
            for start, word in enumerate(sequence):
                for column, phrase in self._phrases.get(word, ()):
                    if tuple(sequence[start : start + len(phrase)]) == phrase:
                        hits.add(column)
        return hits

    def transform(self, analysed: list[Analysed]) -> sp.csr_matrix:
        rows = [sorted(self.columns(message)) for message in analysed]
        columns = [column for row in rows for column in row]
        pointers = np.cumsum([0, *(len(row) for row in rows)])
        return sp.csr_matrix((np.full(len(columns), CUE_WEIGHT, dtype=np.float32),
                              np.array(columns, dtype=np.int32), pointers.astype(np.int32)),
                             shape=(len(analysed), len(self.names)))

    def extend(self, features: sp.csr_matrix, analysed: list[Analysed]) -> sp.csr_matrix:
        """The message features with the cue columns after them (training)."""
        return sp.hstack([features, self.transform(analysed)], format="csr")

    def extend_row(self, row: Row, message: Analysed, width: int) -> Row:
        """One message's features with its cue columns after the `width` feature columns, as
        `extend` lays them out."""
        hits = sorted(self.columns(message))
        if not hits:
            return row
        return Row(np.concatenate([row.columns, np.add(hits, width, dtype=np.intp)]),
                   np.concatenate([row.weights, np.full(len(hits), CUE_WEIGHT, np.float32)]))
