"""The first message of someone who has not yet accepted the privacy notice, in memory only.

It is answered right after the person accepts; it never reaches the database before that. A
restart forgets it, which is the price of not storing it: the person is then simply asked
how we can help.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from bot.engine.understanding import Understanding
from bot.messages import IncomingMessage


@dataclass(frozen=True)
class HeldMessage:
    message: IncomingMessage
    understanding: Understanding
    held_at: float


class FirstMessages:
    def __init__(self, capacity: int = 10_000, keep_seconds: float = 24 * 3600) -> None:
        self._capacity = capacity
        self._keep_seconds = keep_seconds
        self._held: OrderedDict[int, HeldMessage] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, person_id: int, message: IncomingMessage, understanding: Understanding) -> None:
        """Hold the message unless an earlier one is held already: the first one matters."""
        with self._lock:
            if person_id in self._held:
                return
            self._held[person_id] = HeldMessage(message, understanding, time.monotonic())
            while len(self._held) > self._capacity:
                self._held.popitem(last=False)

    def peek(self, person_id: int) -> HeldMessage | None:
        with self._lock:
            held = self._held.get(person_id)
        if held is None or time.monotonic() - held.held_at > self._keep_seconds:
            return None
        return held

    def forget(self, person_id: int) -> None:
        with self._lock:
            self._held.pop(person_id, None)
