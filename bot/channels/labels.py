"""A channel's own words (command menu, button labels), kept in domain.yml as responses.

A Rasa 3 domain holds responses only, so these labels are responses too, named with the
channel's prefix (`utter_telegram_*`, `utter_whatsapp_*`): a coordinator changes them where every
other sentence of the bot lives.
"""

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.engine.domain import load_domain
from bot.engine.errors import Problems


class LabelsMissing(Exception):
    """domain.yml lacks some of a channel's labels: say which, so the fix is obvious."""


def load_labels(project_root: Path, prefix: str, required: Iterable[str]) -> dict[str, str]:
    """The first variation's text of every `<prefix><name>` response, keyed by name."""
    problems = Problems()
    domain = load_domain(project_root / "domain.yml", project_root, problems)
    problems.raise_if_any()
    labels = {
        name.removeprefix(prefix): _first_text(variations)
        for name, variations in domain.responses.items()
        if name.startswith(prefix)
    }
    missing = [prefix + name for name in required if not labels.get(name)]
    if missing:
        raise LabelsMissing(f"domain.yml has no text for the responses {', '.join(missing)}")
    return labels


def _first_text(variations: Any) -> str:
    """A label must not change from one message to the next: the first variation is the one."""
    if isinstance(variations, list) and variations and isinstance(variations[0], Mapping):
        return str(variations[0].get("text") or "").strip()
    return ""
