"""A linear classifier with confidences: LinearSVC, and a softmax over its margins.

The softmax temperature is fitted on held-back folds of the training data, so that a
confidence means roughly how often such a prediction is right (what the fallback threshold
of config.yml is compared with). The loaded model keeps LinearSVC's weights as arrays.
"""

import numpy as np
import scipy.sparse as sp

_TEMPERATURES = np.array([0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0])
_CALIBRATION_FOLDS = 3


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    scaled = scores / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    np.exp(scaled, out=scaled)
    scaled /= scaled.sum(axis=1, keepdims=True)
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

    def probabilities(self, features: sp.csr_matrix) -> np.ndarray:
        """One row per message, one column per label (in `labels` order)."""
        scores = np.asarray(features @ self._weights, dtype=np.float64) + self._intercepts
        return _softmax(scores, self.temperature)
