"""The assistant's content, loaded and checked once: domain, responses, flows, actions."""

import random
from dataclasses import dataclass
from pathlib import Path

from bot.engine.actions import ActionRegistry
from bot.engine.domain import Domain, load_domain
from bot.engine.errors import Problems
from bot.engine.flows import Flows, load_flows
from bot.engine.responses import Responses, compile_responses
from bot.nlu.rasa_config import NluConfig, read_config

EMERGENCY_FLOW = "pattern_emergency"
# Responses the engine itself says; the content must have every one of them.
ENGINE_RESPONSES = (
    "utter_privacy_notice",
    "utter_consent_thanks",
    "utter_consent_declined",
    "utter_need_consent",
    "utter_emergency",
    "utter_emergency_no_consent",
    "utter_continue_interrupted",
    "utter_cannot_read_media",
    "utter_photo_received",
    "utter_photo_received_outside_flow",
    "utter_location_outside_flow",
    "utter_empty_message",
    "utter_other_language",
    "utter_flow_cancelled",
    "utter_corrected",
    "utter_ask_rephrase",
    "utter_default",
    "utter_internal_error",
)


@dataclass(frozen=True)
class Content:
    domain: Domain
    responses: Responses
    flows: Flows
    actions: ActionRegistry
    fallback_threshold: float


def load_content(
    root: Path, actions_package: str = "actions", rng: random.Random | None = None
) -> Content:
    """Everything the engine runs; raises ContentError listing every problem found."""
    problems = Problems()
    domain = load_domain(root / "domain.yml", root, problems)
    variations = compile_responses(domain, "domain.yml", problems)
    for name in ENGINE_RESPONSES:
        if name not in variations and name not in domain.responses:
            problems.add("domain.yml", f"the engine needs the response {name!r}")
    actions = ActionRegistry.discover(actions_package, problems)
    for name in domain.actions:
        if not name.startswith("utter_") and name not in actions:
            problems.add(
                "domain.yml",
                f"action {name!r} is listed but no class in {actions_package}/ has that name",
            )
    flows = load_flows(root / "flows", root, domain, variations.keys(), set(actions), problems)
    problems.raise_if_any()
    config = root / "config.yml"
    threshold = (read_config(config) if config.is_file() else NluConfig()).fallback_threshold
    return Content(domain, Responses(variations, rng or random.Random()), flows, actions, threshold)
