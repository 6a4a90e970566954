"""What the embedded engine honours of config.yml: the language and the fallback thresholds."""

from dataclasses import dataclass
from pathlib import Path

import yaml

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class NluConfig:
    language: str = "it"
    fallback_threshold: float = 0.3
    ambiguity_threshold: float = 0.1


def read_config(path: Path) -> NluConfig:
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    default = NluConfig()
    threshold, ambiguity = default.fallback_threshold, default.ambiguity_threshold
    for component in content.get("pipeline") or []:
        if isinstance(component, dict) and component.get("name") == "FallbackClassifier":
            threshold = float(component.get("threshold", threshold))
            ambiguity = float(component.get("ambiguity_threshold", ambiguity))
    return NluConfig(str(content.get("language") or default.language), threshold, ambiguity)
