"""A linear classifier with confidences: LinearSVC, and a softmax over its margins.

The softmax temperature is fitted on held-back folds of the training data, so that a
confidence means roughly how often such a prediction is right (what the fallback threshold
of config.yml is compared with). The loaded model keeps LinearSVC's weights as arrays: a
message's scores are its feature weights times the rows of the weights for its columns.
"""

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from bot.nlu.features import Row

_TEMPERATURES = np.array([0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0])
_CALIBRATION_FOLDS = 3


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    # The ufuncs' reduce rather than .max() and .sum(), which wrap them in Python: the same
    # numbers, a few microseconds less for the one-message batch of a conversation turn.
    scaled = scores / temperature
    scaled -= np.maximum.reduce(scaled, axis=1, keepdims=True)
    np.exp(scaled, out=scaled)
    scaled /= np.add.reduce(scaled, axis=1, keepdims=True)
    return scaled


def _linear_svc(c: float, features: sp.csr_matrix,
                labels: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """LinearSVC's classes, weights (features x classes) and intercepts."""
    from sklearn.svm import LinearSVC

    model = LinearSVC(C=c, class_weight="balanced").fit(features, labels)
    weights = np.asarray(model.coef_, dtype=np.float32)
    intercepts = np.asarray(model.intercept_, dtype=np.float32)
    if len(model.classes_) == 2:  # one margin for two classes: the second class's
        weights = np.vstack([-weights, weights])
        intercepts = np.concatenate([-intercepts, intercepts])
    return [str(label) for label in model.classes_], weights.T.copy(), intercepts


class TextClassifier:
    def __init__(self, c: float = 0.5) -> None:
        self._c = c
        self.labels: list[str] = []
        self._weights = np.zeros((0, 0), dtype=np.float32)
        self._intercepts = np.zeros(0, dtype=np.float32)
        self.temperature = 0.2

    def fit(self, features: sp.csr_matrix, labels: np.ndarray,
            calibrate: bool = True) -> "TextClassifier":
        self.labels, self._weights, self._intercepts = _linear_svc(self._c, features, labels)
        if calibrate:
            self.temperature = self._fit_temperature(features, labels)
        return self

    def _fit_temperature(self, features: sp.csr_matrix, labels: np.ndarray) -> float:
        from sklearn.model_selection import StratifiedKFold

        smallest = min(np.unique(labels, return_counts=True)[1])
        folds = StratifiedKFold(min(_CALIBRATION_FOLDS, max(2, smallest)), shuffle=True,
                                random_state=0)
        scores = np.zeros((len(labels), len(self.labels)))
        for train, test in folds.split(features, labels):
            classes, weights, intercepts = _linear_svc(self._c, features[train], labels[train])
            columns = [self.labels.index(label) for label in classes]
            scores[np.ix_(test, columns)] = features[test] @ weights + intercepts
        truth = np.array([self.labels.index(label) for label in labels])
        losses = [-np.log(_softmax(scores.copy(), t)[np.arange(len(truth)), truth] + 1e-9).mean()
                  for t in _TEMPERATURES]
        return float(_TEMPERATURES[int(np.argmin(losses))])

    def probabilities(self, rows: Sequence[Row]) -> np.ndarray:
        """One row per message, one column per label (in `labels` order)."""
        return _softmax(_scores(self._weights, self._intercepts, rows), self.temperature)


def _scores(weights: np.ndarray, intercepts: np.ndarray, rows: Sequence[Row]) -> np.ndarray:
    """Each message's weights times the rows of `weights` for its columns, plus `intercepts`."""
    scores = np.empty((len(rows), weights.shape[1]), dtype=np.float64)
    for index, row in enumerate(rows):
        # Summed row after row in float32, as scipy's sparse product did (a matrix product
        # would sum in another order and move the last bits).
        scores[index] = np.add.reduce(weights.take(row.columns, axis=0) * row.weights[:, None],
                                      axis=0)
    scores += intercepts
    return scores


class StackedClassifiers:
    """Several classifiers of the same messages scored at once: their weights side by side,
    so that a message's columns are gathered and summed once rather than once a classifier.

    A classifier that knows fewer columns (the category cues come last) gets zero weights for
    the others, which add exactly nothing: each classifier's numbers are those its own
    `probabilities` gives.
    """

    def __init__(self, classifiers: Sequence[TextClassifier]) -> None:
        self.classifiers = tuple(classifiers)
        height = max(classifier._weights.shape[0] for classifier in classifiers)
        self._weights = np.zeros((height, sum(len(c.labels) for c in classifiers)), np.float32)
        self._intercepts = np.concatenate([classifier._intercepts for classifier in classifiers])
        self._parts: list[slice] = []
        for classifier in classifiers:
            start = self._parts[-1].stop if self._parts else 0
            part = slice(start, start + len(classifier.labels))
            self._weights[: classifier._weights.shape[0], part] = classifier._weights
            self._parts.append(part)

    def of(self, classifiers: Sequence[TextClassifier]) -> bool:
        """Whether these are the classifiers stacked (the same objects)."""
        return len(classifiers) == len(self.classifiers) and all(
            mine is theirs for mine, theirs in zip(self.classifiers, classifiers, strict=True))

    def probabilities(self, rows: Sequence[Row]) -> list[np.ndarray]:
        """Each classifier's `probabilities`, in order; `rows` with all the columns."""
        scores = _scores(self._weights, self._intercepts, rows)
        return [_softmax(scores[:, part], classifier.temperature)
                for classifier, part in zip(self.classifiers, self._parts, strict=True)]
