"""config.yml is a Rasa 3 config and the embedded engine honours it."""

from pathlib import Path

import yaml

from bot.nlu import FALLBACK_INTENT, NluPipeline
from bot.nlu.rasa_config import read_config
from bot.settings import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "config.yml"


def test_config_is_a_rasa_nlu_pipeline_in_italian() -> None:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    assert config["language"] == "it"
    assert names[0] == "WhitespaceTokenizer"
    assert {"RegexFeaturizer", "CountVectorsFeaturizer", "DIETClassifier",
            "EntitySynonymMapper", "FallbackClassifier"} <= set(names)
    fallback = config["pipeline"][names.index("FallbackClassifier")]
    assert 0 < fallback["threshold"] < 1 and 0 <= fallback["ambiguity_threshold"] < 1


def test_the_engine_reads_the_thresholds(tmp_path: Path) -> None:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] == "FallbackClassifier":
            component["threshold"] = 0.77
            component["ambiguity_threshold"] = 0.11
    path = tmp_path / "config.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    read = read_config(path)
    assert (read.language, read.fallback_threshold, read.ambiguity_threshold) == (
        "it", 0.77, 0.11)


def test_gibberish_falls_back(nlu: NluPipeline) -> None:
    result = nlu.parse("😀😀")
    assert result.intent.name == FALLBACK_INTENT
    assert result.intent.confidence == nlu.config.fallback_threshold
    assert result.intent_ranking[0].name == FALLBACK_INTENT


def test_a_clear_message_does_not_fall_back(nlu: NluPipeline) -> None:
    assert nlu.parse("grazie mille, siete stati gentilissimi").intent.name == "thank"
