"""What the channels talk to: the Assistant in this process, or TurnWorkers in others."""

from typing import Protocol

from bot.engine.content import Content
from bot.messages import IncomingMessage, OutgoingMessage


class Turns(Protocol):
    content: Content

    def handle(self, incoming: IncomingMessage) -> list[OutgoingMessage]:
        """One incoming message in, its replies out; blocks, so call it from a thread."""
        ...
