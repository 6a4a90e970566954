"""What the operators' side reads from its files and settings, loaded once and passed along:
the queues, the service levels, the on-call rota, the operators' Telegram groups, the texts."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from bot.services.domain_texts import DomainTexts
from bot.services.on_call import OnCallRota, parse_on_call
from bot.services.routing import QueuesFileError, Routing, parse_routing
from bot.services.service_levels import ServiceLevels, parse_service_levels
from bot.settings import Settings

# What the operators' side says, to citizens and to operators: domain.yml must have them all.
RESPONSES = (
    "utter_report_taken", "utter_report_reassigned", "utter_report_closed",
    "utter_operator_answer", "utter_operator_alert_new", "utter_operator_alert_high",
    "utter_operator_alert_reminder", "utter_operator_alert_on_call", "utter_operator_citizen_wrote",
    "utter_operator_escalation", "utter_operator_taken", "utter_operator_closed",
    "utter_operator_reassigned", "utter_operator_how_to_answer", "utter_operator_choose_queue",
    "utter_operator_choose_outcome", "utter_operator_taken_by_you", "utter_operator_moved",
    "utter_operator_closed_by_you", "utter_operator_see_below", "utter_operator_not_linked",
    "utter_operator_button_unknown", "utter_operator_command_usage", "utter_operator_note_saved",
    "utter_operator_answer_sent", "utter_operator_answer_invited", "utter_operator_answer_waiting",
    "utter_operator_answer_blocked",
)  # fmt: skip


class OperatorTextsMissing(ValueError):
    """domain.yml lacks some of the operators' side's responses: say which."""


@dataclass(frozen=True)
class OperatorSetup:
    routing: Routing
    levels: ServiceLevels
    on_call: OnCallRota
    texts: DomainTexts
    # Telegram chat ids of the operators' groups, per queue; queues not named use the fallback.
    queue_groups: Mapping[str, tuple[str, ...]]
    fallback_groups: tuple[str, ...]

    @classmethod
    def load(cls, settings: Settings, texts: DomainTexts | None = None) -> "OperatorSetup":
        root = settings.project_root
        with (root / "queues.yml").open(encoding="utf-8") as stream:
            document = yaml.safe_load(stream)
        routing = parse_routing(document)
        levels = parse_service_levels(document)
        queue_groups = _queue_groups(document.get("telegram_groups"), routing)
        texts = texts or DomainTexts.load(root)
        missing = [name for name in RESPONSES if name not in texts]
        if missing:
            raise OperatorTextsMissing(
                f"domain.yml has no text for the operators' responses: {', '.join(missing)}"
            )
        return cls(
            routing=routing,
            levels=levels,
            on_call=parse_on_call(document, levels.calendar.holidays),
            texts=texts,
            queue_groups=queue_groups,
            fallback_groups=tuple(str(chat) for chat in settings.telegram_operator_group_ids),
        )

    def groups_for(self, queue: str) -> tuple[str, ...]:
        return self.queue_groups.get(queue) or self.fallback_groups

    @property
    def operator_chats(self) -> frozenset[str]:
        """Every operators' group: what comes from these chats is an operator, not a citizen."""
        named = {chat for chats in self.queue_groups.values() for chat in chats}
        return frozenset(named | set(self.fallback_groups))

    def queue_name(self, queue: str) -> str:
        try:
            return self.routing.queue(queue).name
        except KeyError:
            return queue


@lru_cache(maxsize=1)
def default_setup() -> OperatorSetup:
    """For callers outside the web app (the Telegram adapter): read from the environment once."""
    return OperatorSetup.load(Settings())


def _queue_groups(raw: Any, routing: Routing) -> dict[str, tuple[str, ...]]:
    where = "queues.yml, telegram_groups"
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise QueuesFileError(f"{where}: scrivi coda: id del gruppo, come lavoro_casa: -100123")
    known = {queue.id for queue in routing.queues}
    groups = {}
    for queue, chats in raw.items():
        if queue not in known:
            raise QueuesFileError(f"{where}: la coda '{queue}' non esiste")
        values = chats if isinstance(chats, list) else [chats]
        if not all(isinstance(chat, int) for chat in values):
            raise QueuesFileError(f"{where}.{queue}: l'id di un gruppo è un numero, come -100123")
        groups[str(queue)] = tuple(str(chat) for chat in values)
    return groups
