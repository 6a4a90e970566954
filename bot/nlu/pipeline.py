"""The embedded NLU: one parse gives intent, entities, triage, danger, language and flags."""

import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from bot.nlu.classifier import StackedClassifiers
from bot.nlu.conversation_flags import ConversationFlags
from bot.nlu.dates_amounts import DateAmountExtractor
from bot.nlu.events import EVENT_INTENTS
from bot.nlu.language import LanguageDetector
from bot.nlu.lemmas import Lemmatiser
from bot.nlu.model import DEFAULT_CATEGORY, DEFAULT_URGENCY, REPORT_INTENT, NluModel
from bot.nlu.rasa_config import FALLBACK_INTENT, NluConfig
from bot.nlu.result import Entity, Label, ParseResult
from bot.nlu.safety import SafetyNet
from bot.nlu.text import fold, words

HIGH = "high"
# The urgency classifier alone says high from this probability on. Chosen by cross-validation:
# with the danger signals it keeps the recall of high where lower thresholds keep it, and the
# precision above 0.8 (figures in the NLU report).
HIGH_THRESHOLD = 0.5
# When the alarming words of a message are a hard negative ("morire dal ridere"), the
# classifier, which learnt those words from emergencies, must be nearly sure on its own.
DEFUSED_HIGH_THRESHOLD = 0.95
# The category a danger signal points to when the classifier sees nothing to report.
SIGNAL_CATEGORIES = {
    "suicide_selfharm": "health",
    "violence_threat": "violence",
    "medical_emergency": "health",
    "not_seen_for_days": "elderly_care",
    "no_food_tonight": "poverty",
    "no_roof_tonight": "housing",
    "newborn_no_heating": "family_minors",
}
_RANKING_SIZE = 10
# Chosen by cross-validation: category macro-F1 0.643 (top intent only), 0.647 (0.3), 0.651
# (0.2), 0.654 (0.12); below 0.2 urgency starts to drift for messages that report nothing.
REPORT_RUNNER_UP = 0.2
_DONATE_INTENT = "donate"
_BARE_NUMBER_WORDS = 3


@dataclass(frozen=True)
class Understood:
    intent: Label
    ranking: list[Label]
    top_intent: str  # the best intent before the fallback rule, which the triage reads
    report_probability: float
    entities: list[Entity]


def _analysable(text: str) -> str:
    """Control and format characters as spaces, one for one, so offsets stay true."""
    if text.isprintable():  # no character of a "C" category: the usual message, at C speed
        return text
    return "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)


def _safe(text: str) -> str:
    """Lone surrogates (undecodable bytes) as "?", one for one."""
    return text.encode("utf-8", "replace").decode("utf-8")


class NluPipeline:
    def __init__(self, model: NluModel, config: NluConfig, timezone: str = "Europe/Rome") -> None:
        self.model = model
        self.config = config
        self._zone = ZoneInfo(timezone)
        self._lemmatiser = Lemmatiser(model.language, model.lemma_table)
        self._dates = DateAmountExtractor(timezone, model.language)
        self._language = LanguageDetector(self._italian_words(), model.language)
        self._flags = ConversationFlags(model.rules)
        self._safety = SafetyNet(model.rules, self._lemmatiser.analyse, model.safety_known)
        self._lock = threading.Lock()
        self._stacked: StackedClassifiers | None = None

    def _italian_words(self) -> frozenset[str]:
        """Forms and lemmas of the lemma table, spaCy's stop words, the places."""
        stop_words = {fold(word) for word in self._lemmatiser.nlp.Defaults.stop_words}
        return frozenset({*self.model.lemma_table, *self.model.lemma_table.values(),
                          *stop_words, *self.model.gazetteer.words()})

    @property
    def spacy_model(self) -> str:
        return self._lemmatiser.model_name

    def analyse(self, text: str) -> tuple[list[str], list[str]]:
        """The words and lemmas the classifiers see."""
        return self._lemmatiser.analyse(_analysable(_safe(text)))

    def parse(self, text: str, now: datetime | None = None) -> ParseResult:
        return self.parse_batch([text], now)[0]

    def parse_batch(self, texts: Sequence[str], now: datetime | None = None) -> list[ParseResult]:
        moment = now or datetime.now(self._zone)
        with self._lock:
            safe = [_safe(text) for text in texts]
            cleaned = [_analysable(text) for text in safe]
            analysed = [self._lemmatiser.analyse(text) for text in cleaned]
            # Each message's features with the category cues after them: the intent and
            # urgency classifiers have no weights for the cues, which count for them as zero.
            width = self.model.vectoriser.width
            features = [self.model.category_cues.extend_row(row, message, width)
                        for row, message in zip(self.model.vectoriser.rows(analysed), analysed,
                                                strict=True)]
            intents, categories, urgencies = self._classifiers().probabilities(features)
            known = [len(row.columns) > 0 for row in features]
            understood = self._understand(cleaned, intents, known, moment)
            return [self._result(safe[index], cleaned[index], analysed[index],
                                 understood[index], categories[index], urgencies[index])
                    for index in range(len(texts))]

    def _classifiers(self) -> StackedClassifiers:
        """The model's intent, category and urgency classifiers, stacked (again if the model
        changed, as cross-validation changes it)."""
        wanted = (self.model.intent, self.model.category, self.model.urgency)
        if self._stacked is None or not self._stacked.of(wanted):
            self._stacked = StackedClassifiers(wanted)
        return self._stacked

    def _understand(self, texts: list[str], intents: np.ndarray, known: list[bool],
                    now: datetime) -> list[Understood]:
        """Intent (after the fallback rule) and entities of each message; `intents`: the
        probabilities of the intent classifier; `known`: whether the message has any feature
        the classifiers learnt."""
        labels = self.model.intent.labels
        understood = []
        for text, row, readable in zip(texts, intents, known, strict=True):
            order = np.argsort(-row)[:_RANKING_SIZE]
            ranking = [Label(labels[index], float(row[index])) for index in order]
            # Nothing of the message was ever seen in training: what the classifier says is
            # only its prior, and a prior must not answer "yes" to a privacy notice.
            intent, shown = self._fallback(ranking[0], ranking, readable)
            report = float(row[labels.index(REPORT_INTENT)]) if REPORT_INTENT in labels else 0.0
            understood.append(Understood(intent, shown, ranking[0].name, report,
                                         self.entities(text, ranking[0].name, now)))
        return understood

    def entities(self, text: str, intent: str, now: datetime) -> list[Entity]:
        folded = fold(text)
        found: list[Entity] = []
        for town in self.model.gazetteer.find(text):
            extras = {"comune": town.comune} if town.entity == "frazione" else {}
            found.append(Entity(town.entity, town.value, town.start, town.end, extras))
        dated = self._dates.find(folded, now, numbers_wanted=intent == _DONATE_INTENT)
        found.extend(dated.entities)
        if dated.numbers and (intent == _DONATE_INTENT
                              or len(words(folded)) <= _BARE_NUMBER_WORDS):
            found.extend(dated.numbers)
        if intent in EVENT_INTENTS:
            found.extend(self.model.events.find(text, [(e.start, e.end) for e in found]))
        return sorted(found, key=lambda entity: (entity.start, entity.end))

    def _result(self, text: str, cleaned: str, analysed: tuple[list[str], list[str]],
                understood: Understood, category_row: np.ndarray,
                urgency_row: np.ndarray) -> ParseResult:
        reading = self._safety.read(cleaned, analysed)
        danger = self._safety.signals(reading)
        threshold = HIGH_THRESHOLD
        labels = self.model.urgency.labels
        high_row = urgency_row[labels.index(HIGH)] if HIGH in labels else 0.0
        if not danger and high_row >= threshold and self._safety.has_hard_negative(reading):
            threshold = DEFUSED_HIGH_THRESHOLD
        category, urgency = self._triage(understood, category_row, urgency_row, danger,
                                         threshold)
        flags = self._flags.flags(cleaned)
        return ParseResult(
            text=text,
            intent=understood.intent,
            intent_ranking=understood.ranking,
            entities=understood.entities,
            category=category,
            urgency=urgency,
            danger=danger,
            language=self._language.detect(cleaned, analysed[0]),
            cancel=flags.cancel,
            correction=flags.correction,
        )

    def _fallback(self, top: Label, ranking: list[Label],
                  readable: bool = True) -> tuple[Label, list[Label]]:
        """Rasa's FallbackClassifier: too unsure, or two intents too close, is nlu_fallback."""
        second = ranking[1].confidence if len(ranking) > 1 else 0.0
        threshold = self.config.fallback_threshold
        if (not readable or top.confidence < threshold
                or top.confidence - second < self.config.ambiguity_threshold):
            fallback = Label(FALLBACK_INTENT, threshold)
            return fallback, [fallback, *ranking]
        return top, ranking

    def _triage(self, understood: Understood, category_row: np.ndarray, urgency_row: np.ndarray,
                danger: list[str], high_threshold: float) -> tuple[Label, Label]:
        urgencies = dict(zip(self.model.urgency.labels, urgency_row.tolist(), strict=True))
        predicted = max(urgencies, key=urgencies.__getitem__)
        high = urgencies.get(HIGH, 0.0) >= high_threshold or bool(danger)
        if predicted == HIGH and not high:
            predicted = max((name for name in urgencies if name != HIGH),
                            key=urgencies.__getitem__)
        # A problem told as a question or mixed with a greeting may lose the intent vote by a
        # little: the operators still need its category, so a strong runner-up counts too.
        reporting = (understood.top_intent == REPORT_INTENT or high
                     or understood.report_probability >= REPORT_RUNNER_UP)
        if high:
            urgency = Label(HIGH, 1.0 if danger else urgencies[HIGH])
        elif reporting:
            urgency = Label(predicted, urgencies[predicted])
        else:
            urgency = Label(DEFAULT_URGENCY, urgencies.get(DEFAULT_URGENCY, 1.0))
        if not reporting:
            return Label(DEFAULT_CATEGORY, 1.0), urgency
        labels = self.model.category.labels
        best = int(np.argmax(category_row))
        category = Label(labels[best], float(category_row[best]))
        if category.name == DEFAULT_CATEGORY and danger:
            category = Label(SIGNAL_CATEGORIES[danger[0]], category.confidence)
        return category, urgency
