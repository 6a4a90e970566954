"""How the intent and category classifiers were chosen: 5-fold cross-validation macro-F1 on
nlu/ (the held-out figure is printed for information only, it chose nothing).

    /work/venv/bin/python benchmarks/nlu_classifiers.py
"""

import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, RidgeClassifier, SGDClassifier
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu import load_pipeline  # noqa: E402
from bot.nlu.text import fold  # noqa: E402
from bot.nlu.training_data import read_file, read_folder  # noqa: E402
from bot.settings import Settings  # noqa: E402

WORD = r"(?u)\b\w+\b"
# (name, column of the analysed message, vectoriser) blocks; columns: 0 raw lowercase,
# 1 folded words, 2 lemmas
FEATURES: dict[str, Callable[[], list[tuple[int, TfidfVectorizer]]]] = {
    "chars 2-5 + lemma words 1-2 (chosen)": lambda: [
        (1, TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
        (2, TfidfVectorizer(ngram_range=(1, 2), token_pattern=WORD, sublinear_tf=True)),
    ],
    "chars 2-5 + folded words 1-2": lambda: [
        (1, TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
        (1, TfidfVectorizer(ngram_range=(1, 2), token_pattern=WORD, sublinear_tf=True)),
    ],
    "chars 2-5 + words 1-2, not folded": lambda: [
        (0, TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
        (0, TfidfVectorizer(ngram_range=(1, 2), token_pattern=WORD, sublinear_tf=True)),
    ],
    "lemma words 1-2 only": lambda: [
        (2, TfidfVectorizer(ngram_range=(1, 2), token_pattern=WORD, sublinear_tf=True))
    ],
    "chars 2-5 only": lambda: [
        (1, TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True))
    ],
}
CLASSIFIERS: dict[str, Callable[[], Any]] = {
    "LinearSVC C=0.5 balanced (chosen)": lambda: LinearSVC(C=0.5, class_weight="balanced"),
    "LinearSVC C=0.5": lambda: LinearSVC(C=0.5),
    "LogisticRegression C=20 balanced": lambda: LogisticRegression(
        C=20, class_weight="balanced", max_iter=3000
    ),
    "RidgeClassifier balanced": lambda: RidgeClassifier(class_weight="balanced"),
    "SGD modified_huber balanced": lambda: SGDClassifier(
        loss="modified_huber", class_weight="balanced", random_state=0
    ),
    "ComplementNB alpha=0.3": lambda: ComplementNB(alpha=0.3),
}


def _columns(pipeline: Any, text: str) -> tuple[str, str, str]:
    tokens, lemmas = pipeline.analyse(text)
    return text.lower(), " ".join(fold(token) for token in tokens), " ".join(lemmas)


def _matrix(
    blocks: list[tuple[int, TfidfVectorizer]],
    train: list[tuple[str, str, str]],
    test: list[tuple[str, str, str]],
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    fitted = [
        (column, vectoriser.fit_transform([row[column] for row in train]), vectoriser)
        for column, vectoriser in blocks
    ]
    return (
        sp.hstack([matrix for _, matrix, _ in fitted], format="csr"),
        sp.hstack(
            [
                vectoriser.transform([row[column] for row in test])
                for column, _, vectoriser in fitted
            ],
            format="csr",
        ),
    )


def _score(
    features: str,
    classifier: str,
    rows: list[tuple[str, str, str]],
    labels: np.ndarray,
    held_rows: list[tuple[str, str, str]],
    held_labels: np.ndarray,
) -> tuple[float, float]:
    predicted = np.empty_like(labels)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(rows, labels):
        a, b = _matrix(FEATURES[features](), [rows[i] for i in train], [rows[i] for i in test])
        predicted[test] = CLASSIFIERS[classifier]().fit(a, labels[train]).predict(b)
    a, b = _matrix(FEATURES[features](), rows, held_rows)
    held = CLASSIFIERS[classifier]().fit(a, labels).predict(b)
    return (
        float(f1_score(labels, predicted, average="macro")),
        float(f1_score(held_labels, held, average="macro")),
    )


def main() -> None:
    warnings.filterwarnings("ignore")
    pipeline = load_pipeline(Settings(nlu_backend="embedded"))
    examples = read_folder(ROOT / "nlu").examples
    heldout = read_file(ROOT / "tests" / "data" / "nlu_heldout.yml").examples
    rows = [_columns(pipeline, example.text) for example in examples]
    held_rows = [_columns(pipeline, example.text) for example in heldout]
    intents = np.array([example.intent for example in examples])
    held_intents = np.array([example.intent for example in heldout])
    reports = [index for index, example in enumerate(examples) if example.metadata.get("category")]
    held_reports = [index for index, e in enumerate(heldout) if e.metadata.get("category")]
    categories = np.array([examples[i].metadata["category"] for i in reports])
    held_categories = np.array([heldout[i].metadata["category"] for i in held_reports])

    print(f"{'task':9s} {'features':38s} {'classifier':34s} {'CV F1':>6s} {'held-out':>8s} s")
    chosen_features = next(iter(FEATURES))
    chosen_classifier = next(iter(CLASSIFIERS))
    runs = [(name, chosen_classifier) for name in FEATURES]
    runs += [(chosen_features, name) for name in CLASSIFIERS if name != chosen_classifier]
    for task, task_rows, labels, task_held, held_labels in [
        ("intent", rows, intents, held_rows, held_intents),
        (
            "category",
            [rows[i] for i in reports],
            categories,
            [held_rows[i] for i in held_reports],
            held_categories,
        ),
    ]:
        for features, classifier in runs:
            started = time.perf_counter()
            cv, held = _score(features, classifier, task_rows, labels, task_held, held_labels)
            print(
                f"{task:9s} {features:38s} {classifier:34s} {cv:6.3f} {held:8.3f} "
                f"{time.perf_counter() - started:4.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
