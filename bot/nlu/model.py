"""Training: everything the embedded pipeline learns from `nlu/`, in one picklable bundle."""

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.nlu.category_cues import CategoryCues
from bot.nlu.classifier import TextClassifier
from bot.nlu.events import EventFinder
from bot.nlu.features import MessageVectoriser
from bot.nlu.lemmas import Lemmatiser, full_lemma_table, prune
from bot.nlu.near_words import words_near
from bot.nlu.rasa_config import NluConfig
from bot.nlu.safety import SIGNALS, SafetyNet
from bot.nlu.text import squeeze
from bot.nlu.towns import Gazetteer
from bot.nlu.training_data import Example, NluData, read_folder

LOG = logging.getLogger(__name__)

# Bump when the features or the training change, so that saved models are retrained.
MODEL_VERSION = "7"
DEFAULT_CATEGORY = "other"
DEFAULT_URGENCY = "low"
REPORT_INTENT = "report_problem"
_RULE_TABLES = {"cancel", "correction"}


@dataclass
class NluModel:
    fingerprint: str
    language: str
    lemma_table: dict[str, str]
    vectoriser: MessageVectoriser
    intent: TextClassifier
    category: TextClassifier
    category_cues: CategoryCues
    urgency: TextClassifier
    gazetteer: Gazetteer
    events: EventFinder
    vocabulary: frozenset[str]
    safety_known: frozenset[str]  # words the safety net never reads as a typo
    rules: NluData = field(default_factory=NluData)  # safety signals and conversation phrases
    training_seconds: float = 0.0


def category_of(example: Example) -> str | None:
    value = example.metadata.get("category")
    return str(value) if value else None


def urgency_of(example: Example) -> str:
    return str(example.metadata.get("urgency") or DEFAULT_URGENCY)


def rule_data(data: NluData) -> NluData:
    """The lookup tables and regexes the rules read (danger signals, cancel, correction)."""
    wanted = {*SIGNALS, *(signal + "_except" for signal in SIGNALS), *_RULE_TABLES}
    return NluData(
        lookups={name: items for name, items in data.lookups.items() if name in wanted},
        regexes={name: items for name, items in data.regexes.items() if name in wanted},
    )


def safety_words(rules: NluData, lemmatiser: Lemmatiser, vocabulary: frozenset[str],
                 lexicon: set[str]) -> frozenset[str]:
    """Words of the training data and Italian words one typo from a danger word: the safety
    net reads a misspelt "amazarmi" as "ammazzarmi", but "sparato" stays "sparato"."""
    squeezed = {squeeze(word) for word in lexicon}
    targets = SafetyNet(rules, lemmatiser.analyse, frozenset()).typo_targets()
    near = words_near(targets, squeezed, 1) - set(targets)
    return frozenset({squeeze(word) for word in vocabulary} | near)


def fit_classifiers(vectoriser: MessageVectoriser, cues: CategoryCues,
                    analysed: list[tuple[list[str], list[str]]], examples: list[Example],
                    calibrate: bool = True,
                    ) -> tuple[TextClassifier, TextClassifier, TextClassifier]:
    features = vectoriser.fit_transform(analysed)
    intents = np.array([example.intent for example in examples])
    intent = TextClassifier().fit(features, intents, calibrate)
    with_category = [index for index, example in enumerate(examples) if category_of(example)]
    categories = np.array([category_of(examples[index]) for index in with_category])
    category_features = cues.extend(features[with_category],
                                    [analysed[index] for index in with_category])
    category = TextClassifier().fit(category_features, categories, calibrate)
    urgencies = np.array([urgency_of(example) for example in examples])
    urgency = TextClassifier().fit(features, urgencies, calibrate)
    return intent, category, urgency


def train(nlu_folder: Path, config: NluConfig, fingerprint: str) -> NluModel:
    started = time.perf_counter()
    data = read_folder(nlu_folder)
    examples = data.examples
    table = full_lemma_table(config.language)
    lemmatiser = Lemmatiser(config.language, table)
    analysed = [lemmatiser.analyse(example.text) for example in examples]
    vectoriser = MessageVectoriser()
    cues = CategoryCues(data.lookups, lemmatiser.analyse)
    intent, category, urgency = fit_classifiers(vectoriser, cues, analysed, examples)

    rules = rule_data(data)
    rule_phrases = [phrase for name, items in data.lookups.items()
                    if name in rules.lookups or name in cues.names for phrase in items]
    lemmas = {lemma for _, found in analysed for lemma in found}
    lemmas.update(lemma for phrase in rule_phrases for lemma in lemmatiser.analyse(phrase)[1])
    vocabulary = frozenset(token for tokens, _ in analysed for token in tokens)
    lexicon = set(table) | set(table.values())
    gazetteer = Gazetteer.build(data, lexicon, lexicon.__contains__, vocabulary)
    events = EventFinder.build(entity.text for example in examples
                               for entity in example.entities if entity.entity == "evento")
    model = NluModel(fingerprint, config.language, prune(table, lemmas), vectoriser, intent,
                     category, cues, urgency, gazetteer, events, vocabulary,
                     safety_words(rules, lemmatiser, vocabulary, lexicon), rules)
    model.training_seconds = time.perf_counter() - started
    LOG.info("NLU trained on %d examples in %.1f s", len(examples), model.training_seconds)
    return model
