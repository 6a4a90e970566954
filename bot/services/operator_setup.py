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
        return cls(
            routing=routing,
            levels=levels,
            on_call=parse_on_call(document, levels.calendar.holidays),
            texts=texts or DomainTexts.load(root),
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
