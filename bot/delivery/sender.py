"""What a channel gives the delivery worker: its limits, and how to send one row."""

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.delivery.claims import ClaimedRow
from bot.delivery.outcomes import Outcome
from bot.delivery.pacing import ChannelLimits

# One platform call (a text, a location...). A row may need several: a long text is split.
Send = Callable[[], Awaitable[Outcome]]


class Sender(Protocol):
    channel: str
    limits: ChannelLimits

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    def render(self, row: ClaimedRow) -> list[Send] | Outcome:
        """The calls that deliver the row, in order; or the outcome when it must not go."""
        ...
