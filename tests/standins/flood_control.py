"""The platforms' side of rate limits, written apart from the sender's pacing so that the
stand-ins judge the sender instead of agreeing with it."""

import math
import threading
import time
from collections import deque


class SlidingWindow:
    """At most `limit` accepted requests in any window of `seconds`."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self._accepted: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self, now: float | None = None) -> float:
        """0 when admitted (and counted), else the seconds until a request would be."""
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._accepted and self._accepted[0] <= now - self.seconds:
                self._accepted.popleft()
            if len(self._accepted) >= self.limit:
                return self._accepted[0] + self.seconds - now
            self._accepted.append(now)
            return 0.0

    def refund(self) -> None:
        """Forget the last admission: another limit refused the same request."""
        with self._lock:
            if self._accepted:
                self._accepted.pop()


class TokenBucket:
    """`burst` requests at once, refilled at `rate` per second."""

    def __init__(self, burst: int, rate: float) -> None:
        self.burst = burst
        self.rate = rate
        self._tokens = float(burst)
        self._at = time.monotonic()
        self._lock = threading.Lock()

    def admit(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) / self.rate

    def refund(self) -> None:
        with self._lock:
            self._tokens = min(self.burst, self._tokens + 1)


def retry_after_seconds(wait: float) -> int:
    """Telegram answers a whole number of seconds, at least one."""
    return max(1, math.ceil(wait))
