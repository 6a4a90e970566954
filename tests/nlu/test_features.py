"""A parse scores messages from numpy rows, training from scipy matrices: the same numbers."""

import numpy as np
import pytest

from bot.nlu import NluPipeline
from bot.nlu.classifier import StackedClassifiers, _softmax
from bot.nlu.features import Analysed, Row

TEXTS = ["", "😀😀", "si", "grazie mille",
         "mia nonna vive da sola a orbassano e non esce piu di casa",
         "ho ricevuto lo sfratto e domani ci buttano fuori di casa", "casa " * 300]


@pytest.fixture(scope="module")
def analysed(nlu: NluPipeline) -> list[Analysed]:
    return [nlu.analyse(text) for text in TEXTS]


@pytest.fixture(scope="module")
def rows(nlu: NluPipeline, analysed: list[Analysed]) -> list[Row]:
    """The features of the category classifier: those of the others, then the cues."""
    model = nlu.model
    width = model.vectoriser.width
    return [model.category_cues.extend_row(row, message, width)
            for row, message in zip(model.vectoriser.rows(analysed), analysed, strict=True)]


def _without_cues(rows: list[Row], width: int) -> list[Row]:
    return [Row(row.columns[row.columns < width], row.weights[row.columns < width])
            for row in rows]


def test_rows_are_the_rows_of_the_training_matrix(nlu: NluPipeline, analysed: list[Analysed],
                                                  rows: list[Row]) -> None:
    model = nlu.model
    matrix = model.category_cues.extend(model.vectoriser.transform(analysed), analysed)
    assert matrix.shape[1] == model.category._weights.shape[0]
    for index, row in enumerate(rows):
        dense = np.zeros(matrix.shape[1], dtype=np.float32)
        dense[row.columns] = row.weights
        assert np.array_equal(dense, matrix[index].toarray()[0])


def test_probabilities_are_those_of_the_sparse_product(nlu: NluPipeline,
                                                       analysed: list[Analysed],
                                                       rows: list[Row]) -> None:
    model = nlu.model
    features = model.category_cues.extend(model.vectoriser.transform(analysed), analysed)
    for classifier in (model.intent, model.category, model.urgency):
        height = classifier._weights.shape[0]
        scores = (np.asarray(features[:, :height] @ classifier._weights, dtype=np.float64)
                  + classifier._intercepts)
        expected = _softmax(scores, classifier.temperature)
        found = classifier.probabilities(_without_cues(rows, height))
        np.testing.assert_allclose(found, expected, rtol=0, atol=1e-6)


def test_stacked_classifiers_give_each_classifiers_numbers(nlu: NluPipeline,
                                                           rows: list[Row]) -> None:
    model = nlu.model
    classifiers = [model.intent, model.category, model.urgency]
    stacked = StackedClassifiers(classifiers)
    assert stacked.of(classifiers) and not stacked.of(classifiers[::-1])
    for together, classifier in zip(stacked.probabilities(rows), classifiers, strict=True):
        alone = classifier.probabilities(_without_cues(rows, classifier._weights.shape[0]))
        assert np.array_equal(together, alone)
