"""Which words of a lexicon lie a few typos from given words (learnt once, at training)."""

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist


def words_near(targets: Iterable[str], lexicon: Iterable[str], distance: int) -> set[str]:
    """The lexicon words at most `distance` edits from one of `targets`."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for word in set(lexicon):
        by_length[len(word)].append(word)
    wanted: dict[int, list[str]] = defaultdict(list)
    for target in set(targets):
        wanted[len(target)].append(target)
    near: set[str] = set()
    for length, group in wanted.items():
        pool = [word for size in range(length - distance, length + distance + 1)
                for word in by_length.get(size, [])]
        if not pool:
            continue
        scores = cdist(group, pool, scorer=Levenshtein.distance, score_cutoff=distance,
                       dtype=np.int32, workers=-1)
        near.update(pool[column] for column in np.unique(np.nonzero(scores <= distance)[1]))
    return near
