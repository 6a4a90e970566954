"""The sender's side of the platforms' rate limits: evenly spaced sends across the channel, and a
small budget per chat.

Sends are spaced evenly rather than in bursts because flood control counts arrivals in sliding
windows: a burst that leaves on time can still land inside one window with the next burst. The
rates are set a little under the platforms' caps for the same reason.
"""

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

# While every call of the last second is still under way, look again this often.
_UNDER_WAY_POLL = 0.01
# A chat whose budget is whole again is forgotten after this long, so that a broadcast to
# thousands of chats keeps only the few it touched in the last seconds.
FORGET_AFTER = 5.0


@dataclass(frozen=True)
class ChatRate:
    burst: int
    per_second: float


@dataclass(frozen=True)
class ChannelLimits:
    # The platform's cap across chats (Telegram about 30, WhatsApp 80): we stay just under.
    messages_per_second: float
    chat_rate: Callable[[str], ChatRate]


class Pacer:
    """The channel's budget: calls spaced evenly a little under the platform's cap, and never
    more than the cap in any second as the platform may count them.

    The spacing is a generic cell rate algorithm: each call moves the theoretical time of the
    next one 1/rate later, and a call may come up to one interval before it, so a call that
    came late is caught up. But a busy interpreter can hold a call between the moment it
    is allowed and the moment it leaves, and let the next one catch it up: the platform then
    sees two at once. So the pacer also counts, for the last second, the calls answered (by
    their answer time, which is after the platform counted them) plus those under way, and waits
    while that reaches the cap: whatever the delays, no window of the platform's can hold more.
    """

    def __init__(
        self, cap: float, clock: Callable[[], float] = time.monotonic, share: float = 0.99
    ) -> None:
        self._interval = 1.0 / (cap * share)
        self._tolerance = self._interval
        self._cap = max(1, math.floor(cap))
        self._clock = clock
        self._theoretical = 0.0
        self._answered: deque[float] = deque()
        self._under_way = 0

    def wait_time(self) -> float:
        now = self._clock()
        spacing = self._theoretical - self._tolerance - now
        while self._answered and self._answered[0] <= now - 1.0:
            self._answered.popleft()
        if len(self._answered) + self._under_way < self._cap:
            return max(0.0, spacing)
        # The cap is reached: wait for the oldest answer to leave the window.
        window = self._answered[0] + 1.0 - now if self._answered else _UNDER_WAY_POLL
        return max(spacing, window)

    async def acquire(self) -> None:
        """Wait for the next slot and take it, at the moment of calling; `answered` must follow
        when the call returns."""
        while (wait := self.wait_time()) > 0:
            await asyncio.sleep(wait)
        self._theoretical = max(self._theoretical, self._clock()) + self._interval
        self._under_way += 1

    def answered(self) -> None:
        self._under_way -= 1
        self._answered.append(self._clock())

    def pause(self, seconds: float) -> None:
        self._theoretical = max(self._theoretical, self._clock() + seconds + self._tolerance)


class _Bucket:
    __slots__ = ("at", "last_used", "paused_until", "tokens")

    def __init__(self, tokens: float, at: float) -> None:
        self.tokens = tokens
        self.at = at
        self.last_used = float("-inf")
        self.paused_until = 0.0


class ChatBudget:
    """A token bucket per chat: `burst` messages at once, then `per_second`."""

    def __init__(
        self, rate_of: Callable[[str], ChatRate], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate_of = rate_of
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def _bucket(self, address: str, now: float) -> _Bucket:
        rate = self._rate_of(address)
        bucket = self._buckets.get(address)
        if bucket is None:
            bucket = self._buckets[address] = _Bucket(float(rate.burst), now)
        bucket.tokens = min(rate.burst, bucket.tokens + (now - bucket.at) * rate.per_second)
        bucket.at = now
        return bucket

    def wait_time(self, address: str) -> float:
        now = self._clock()
        bucket = self._bucket(address, now)
        refill = (1 - bucket.tokens) / self._rate_of(address).per_second
        return max(0.0, bucket.paused_until - now, refill)

    async def acquire(self, address: str) -> None:
        while (wait := self.wait_time(address)) > 0:
            await asyncio.sleep(wait)
        now = self._clock()
        bucket = self._bucket(address, now)
        bucket.tokens -= 1
        bucket.last_used = now

    def pause(self, address: str, seconds: float) -> None:
        now = self._clock()
        bucket = self._bucket(address, now)
        bucket.paused_until = max(bucket.paused_until, now + seconds)

    def was_busy(self, address: str) -> bool:
        """Whether the chat had taken other messages just before its latest one: a 429 then is
        likely the chat's own limit rather than the channel's. A chat allowed one message at a
        time (a group) is always taken to be the one limited."""
        rate = self._rate_of(address)
        bucket = self._bucket(address, self._clock())
        return rate.burst <= 1 or bucket.tokens < rate.burst - 1

    def unavailable(self) -> set[str]:
        """Chats that cannot take a message now; forgets the chats whose budget is whole again."""
        now = self._clock()
        waiting = set()
        for address in list(self._buckets):
            bucket = self._bucket(address, now)
            rate = self._rate_of(address)
            if bucket.paused_until > now or bucket.tokens < 1:
                waiting.add(address)
            elif bucket.tokens >= rate.burst and now - bucket.last_used > FORGET_AFTER:
                del self._buckets[address]
        return waiting
