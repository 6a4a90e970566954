"""Which operators' queue a report goes to, from the coordinators' `queues.yml`."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

QUEUES_FILE = PROJECT_ROOT / "queues.yml"
URGENCIES = frozenset({"high", "medium", "low"})


class QueuesFileError(ValueError):
    """queues.yml cannot be used; the message says where, in words a coordinator reads."""


@dataclass(frozen=True)
class Queue:
    id: str
    name: str
    # How the bot names them to the citizen, after "è arrivata agli operatori".
    operators: str
    categories: frozenset[str]
    towns: frozenset[str]
    urgencies: frozenset[str]

    def takes(self, category: str, urgency: str, comune: str | None) -> bool:
        return (
            (not self.categories or category in self.categories)
            and (not self.towns or comune in self.towns)
            and (not self.urgencies or urgency in self.urgencies)
        )


@dataclass(frozen=True)
class Routing:
    queues: tuple[Queue, ...]
    default: Queue
    on_call: Queue
    answer_within: dict[str, str]

    def route(self, category: str, urgency: str, comune: str | None) -> Queue:
        """The first queue that takes the report, in the file's order."""
        for queue in self.queues:
            if queue.takes(category, urgency, comune):
                return queue
        return self.default

    def queue(self, queue_id: str) -> Queue:
        for queue in self.queues:
            if queue.id == queue_id:
                return queue
        raise KeyError(queue_id)


def _names(raw: dict[str, Any], key: str, where: str) -> frozenset[str]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise QueuesFileError(f"{where}: '{key}' deve essere un elenco, come [Orbassano, Bruino]")
    return frozenset(value)


def _queue(raw: Any, position: int) -> Queue:
    where = f"queues.yml, coda n. {position}"
    if not isinstance(raw, dict):
        raise QueuesFileError(f"{where}: non è una coda (servono almeno id, name, operators)")
    for key in ("id", "name", "operators"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise QueuesFileError(f"{where}: manca '{key}'")
    where = f"queues.yml, coda '{raw['id']}'"
    urgencies = _names(raw, "urgencies", where)
    if not urgencies <= URGENCIES:
        raise QueuesFileError(f"{where}: le urgenze possibili sono high, medium e low")
    return Queue(
        id=raw["id"],
        name=raw["name"],
        operators=raw["operators"],
        categories=_names(raw, "categories", where),
        towns=_names(raw, "towns", where),
        urgencies=urgencies,
    )


def parse_routing(document: Any) -> Routing:
    if not isinstance(document, dict) or not isinstance(document.get("queues"), list):
        raise QueuesFileError("queues.yml: manca l'elenco 'queues'")
    queues = tuple(_queue(raw, n) for n, raw in enumerate(document["queues"], start=1))
    by_id = {queue.id: queue for queue in queues}
    if len(by_id) != len(queues):
        raise QueuesFileError("queues.yml: due code hanno lo stesso id")
    default_id = document.get("default")
    if default_id not in by_id:
        raise QueuesFileError(f"queues.yml: la coda di default '{default_id}' non esiste")
    on_call_id = (document.get("on_call") or {}).get("queue")
    if on_call_id not in by_id:
        raise QueuesFileError(f"queues.yml: la coda di reperibilità '{on_call_id}' non esiste")
    answer_within = document.get("answer_within") or {}
    if set(answer_within) != URGENCIES:
        raise QueuesFileError("queues.yml: 'answer_within' deve dire high, medium e low")
    return Routing(
        queues=queues,
        default=by_id[default_id],
        on_call=by_id[on_call_id],
        answer_within={key: str(value) for key, value in answer_within.items()},
    )


@lru_cache(maxsize=4)
def load_routing(path: Path = QUEUES_FILE) -> Routing:
    """Read once per process: routing a report is then a few set look-ups."""
    with path.open(encoding="utf-8") as stream:
        return parse_routing(yaml.safe_load(stream))
