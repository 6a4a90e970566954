"""`antenna nlu evaluate`: cross-validation on the training data and the held-out score.

The report has the figures `rasa test nlu` writes (per-label precision, recall and F1, the
confusions, the errors) for intents, categories and urgency, plus the recall and precision of
urgency high, the town accuracy (the set of towns of each message, a district giving its town)
and the accuracy of the other entities.
"""

import dataclasses
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import classification_report, f1_score
from sklearn.model_selection import StratifiedKFold

from bot.nlu.features import MessageVectoriser
from bot.nlu.model import (
    DEFAULT_CATEGORY,
    NluModel,
    category_of,
    fit_classifiers,
    urgency_of,
)
from bot.nlu.pipeline import HIGH, NluPipeline
from bot.nlu.result import ParseResult
from bot.nlu.towns import variant_key
from bot.nlu.training_data import Example, read_file, read_folder

FOLDS = 5
_SPAN_ENTITIES = ("data", "ora", "importo", "evento")
_TOWN_ENTITIES = ("comune", "frazione")


def _label_report(truth: list[str], predicted: list[str]) -> dict[str, Any]:
    labels = sorted(set(truth))
    report = classification_report(truth, predicted, labels=labels, output_dict=True,
                                   zero_division=0)
    confusions = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
    return {
        "report": report,
        "macro_f1": float(f1_score(truth, predicted, labels=labels, average="macro",
                                   zero_division=0)),
        "accuracy": float(np.mean([t == p for t, p in zip(truth, predicted, strict=True)])),
        "confusions": [{"truth": t, "predicted": p, "count": n}
                       for (t, p), n in confusions.most_common()],
    }


def _errors(examples: list[Example], truth: list[str], predicted: list[str],
            confidences: list[float]) -> list[dict[str, Any]]:
    return [{"text": example.text, "truth": t, "predicted": p, "confidence": round(c, 4)}
            for example, t, p, c in zip(examples, truth, predicted, confidences, strict=True)
            if t != p]


def _towns_of(example: Example, frazione_towns: dict[str, str]) -> set[str]:
    towns = set()
    for entity in example.entities:
        if entity.entity == "comune":
            towns.add(entity.value)
        elif entity.entity == "frazione":
            towns.add(frazione_towns.get(variant_key(entity.value), entity.value))
    return towns


def _found_towns(result: ParseResult) -> set[str]:
    return {entity.extras.get("comune", entity.value) if entity.entity == "frazione"
            else entity.value for entity in result.entities if entity.entity in _TOWN_ENTITIES}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _entity_scores(examples: list[Example], results: list[ParseResult]) -> dict[str, Any]:
    """Per entity type: a prediction is right when it overlaps an annotation of that type
    (comune and frazione: when it also has the annotated value)."""
    scores: dict[str, Any] = {}
    for kind in (*_TOWN_ENTITIES, *_SPAN_ENTITIES):
        hits = found = annotated = 0
        for example, result in zip(examples, results, strict=True):
            gold = [e for e in example.entities if e.entity == kind]
            predicted = [e for e in result.entities if e.entity == kind]
            found += len(predicted)
            annotated += len(gold)
            for entity in gold:
                if any(_overlap((entity.start, entity.end), (p.start, p.end))
                       and (kind not in _TOWN_ENTITIES or p.value == entity.value)
                       for p in predicted):
                    hits += 1
        precision = hits / found if found else 0.0
        recall = hits / annotated if annotated else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[kind] = {"precision": precision, "recall": recall, "f1-score": f1,
                        "annotated": annotated, "found": found}
    return scores


def score(examples: list[Example], results: list[ParseResult],
          frazione_towns: dict[str, str] | None = None) -> dict[str, Any]:
    intents = [example.intent for example in examples]
    predicted = [result.intent.name for result in results]
    report: dict[str, Any] = {"examples": len(examples)}
    report["intent_evaluation"] = _label_report(intents, predicted)
    report["intent_evaluation"]["errors"] = _errors(
        examples, intents, predicted, [result.intent.confidence for result in results])
    raw = [result.intent_ranking[1].name if result.intent.name == "nlu_fallback"
           and len(result.intent_ranking) > 1 else result.intent.name for result in results]
    report["intent_evaluation"]["macro_f1_without_fallback"] = float(
        f1_score(intents, raw, labels=sorted(set(intents)), average="macro", zero_division=0))
    report["intent_evaluation"]["fallback_rate"] = float(
        np.mean([result.intent.name == "nlu_fallback" for result in results]))

    labelled = [index for index, example in enumerate(examples) if category_of(example)]
    categories = [category_of(examples[index]) or DEFAULT_CATEGORY for index in labelled]
    found = [results[index].category.name for index in labelled]
    report["category_evaluation"] = _label_report(categories, found)
    report["category_evaluation"]["errors"] = _errors(
        [examples[index] for index in labelled], categories, found,
        [results[index].category.confidence for index in labelled])

    urgencies = [urgency_of(example) for example in examples]
    found = [result.urgency.name for result in results]
    urgency = _label_report(urgencies, found)
    true_high = sum(1 for t in urgencies if t == HIGH)
    said_high = sum(1 for p in found if p == HIGH)
    both = sum(1 for t, p in zip(urgencies, found, strict=True) if t == p == HIGH)
    urgency["high"] = {
        "recall": both / true_high if true_high else 1.0,
        "precision": both / said_high if said_high else 1.0,
        "annotated": true_high, "found": said_high,
        "missed": [example.text for example, t, p in zip(examples, urgencies, found,
                                                          strict=True) if t == HIGH != p],
        "false_alarms": [example.text for example, t, p in zip(examples, urgencies, found,
                                                                strict=True)
                         if p == HIGH != t],
        "by_signal_only": sum(1 for result in results if result.danger
                              and result.urgency.name == HIGH),
    }
    report["urgency_evaluation"] = urgency

    if frazione_towns is not None:
        right = invented = 0
        wrong: list[dict[str, Any]] = []
        for example, result in zip(examples, results, strict=True):
            truth, found_towns = _towns_of(example, frazione_towns), _found_towns(result)
            if truth == found_towns:
                right += 1
                continue
            invented += bool(found_towns - truth)
            wrong.append({"text": example.text, "truth": sorted(truth),
                          "predicted": sorted(found_towns)})
        report["town_evaluation"] = {"accuracy": right / len(examples) if examples else 1.0,
                                     "messages_with_invented_town": invented, "errors": wrong}
        report["entity_evaluation"] = _entity_scores(examples, results)
    return report


def cross_validate(pipeline: NluPipeline, examples: list[Example], folds: int = FOLDS,
                   ) -> tuple[list[Example], list[ParseResult]]:
    """Each example parsed by classifiers trained without it (entity rules stay whole)."""
    full = pipeline.model
    intents = np.array([example.intent for example in examples])
    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    ordered: list[Example] = []
    results: list[ParseResult] = []
    analysed = [pipeline.analyse(example.text) for example in examples]
    try:
        for train, test in splitter.split(np.zeros(len(examples)), intents):
            vectoriser = MessageVectoriser()
            intent, category, urgency = fit_classifiers(
                vectoriser, full.category_cues, [analysed[index] for index in train],
                [examples[index] for index in train])
            pipeline.model = dataclasses.replace(full, vectoriser=vectoriser, intent=intent,
                                                 category=category, urgency=urgency)
            held = [examples[index] for index in test]
            ordered.extend(held)
            results.extend(pipeline.parse_batch([example.text for example in held]))
    finally:
        pipeline.model = full
    return ordered, results


def frazione_towns(model: NluModel) -> dict[str, str]:
    return model.gazetteer.frazione_towns()


def run(pipeline: NluPipeline, nlu_folder: Path, test_files: Sequence[Path],
        folds: int = FOLDS) -> dict[str, Any]:
    """Cross-validation, then a score for each test file ("heldout" in the report)."""
    started = time.perf_counter()
    examples = read_folder(nlu_folder).examples
    towns = frazione_towns(pipeline.model)
    cv_examples, cv_results = cross_validate(pipeline, examples, folds)
    report: dict[str, Any] = {"cross_validation": score(cv_examples, cv_results),
                              "spacy": pipeline.spacy_model,
                              "fallback_threshold": pipeline.config.fallback_threshold,
                              "ambiguity_threshold": pipeline.config.ambiguity_threshold}
    report["cross_validation"]["folds"] = folds
    report["heldout"] = []
    for path in test_files:
        held = read_file(path).examples
        scored = score(held, pipeline.parse_batch([e.text for e in held]), towns)
        report["heldout"].append({"file": str(path), **scored})
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def summary_lines(report: dict[str, Any]) -> Iterable[str]:
    parts = [("cross_validation", report["cross_validation"])]
    parts += [(f"heldout {figures['file']}", figures) for figures in report.get("heldout", [])]
    for part, figures in parts:
        urgency = figures["urgency_evaluation"]
        yield (f"{part} ({figures['examples']} examples): "
               f"intent macro-F1 {figures['intent_evaluation']['macro_f1']:.3f} "
               f"(without fallback {figures['intent_evaluation']['macro_f1_without_fallback']:.3f}"
               f", fallback {figures['intent_evaluation']['fallback_rate']:.1%}), "
               f"category macro-F1 {figures['category_evaluation']['macro_f1']:.3f}, "
               f"urgency macro-F1 {urgency['macro_f1']:.3f}, "
               f"high recall {urgency['high']['recall']:.3f} "
               f"precision {urgency['high']['precision']:.3f} "
               f"({urgency['high']['found']} said high, {urgency['high']['annotated']} are)")
        if "town_evaluation" in figures:
            towns = figures["town_evaluation"]
            entities = figures["entity_evaluation"]
            yield (f"  towns: accuracy {towns['accuracy']:.3f}, messages with an invented town "
                   f"{towns['messages_with_invented_town']}; entity F1: "
                   + ", ".join(f"{kind} {value['f1-score']:.2f}"
                               for kind, value in entities.items()))
