"""What happened to one call to a platform, in the terms the worker acts on."""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Delivered:
    platform_message_id: str | None = None
    # What was delivered was an invitation to write back (a WhatsApp template): the message
    # itself waits for the person's reply.
    awaiting_reply: bool = False


@dataclass(frozen=True)
class Held:
    """Nothing to send now: the person was already invited back and the message waits."""

    reason: str


@dataclass(frozen=True)
class Throttled:
    """Flood control: wait `retry_after` seconds. `scope` says who waits when the platform
    tells; None leaves it to the worker (Telegram's 429 does not say)."""

    retry_after: float
    scope: Literal["chat", "channel"] | None = None


@dataclass(frozen=True)
class Transient:
    """The platform did not take it (server error, no connection): try again later."""

    reason: str


@dataclass(frozen=True)
class ChannelDown:
    """Our side is wrong (token revoked, account locked): nothing can go until it is fixed, and
    the rows must not be spent meanwhile."""

    reason: str
    retry_after: float = 60.0


@dataclass(frozen=True)
class Blocked:
    reason: str


@dataclass(frozen=True)
class Rejected:
    """Refused for good: this message will never be accepted as it is."""

    reason: str


@dataclass(frozen=True)
class Undeliverable:
    """The platform's rules forbid sending it now (WhatsApp's 24-hour window)."""

    reason: str


@dataclass(frozen=True)
class Uncertain:
    """The request may have reached the platform: sending it again could deliver it twice."""

    reason: str


Outcome = (
    Delivered
    | Held
    | Throttled
    | Transient
    | ChannelDown
    | Blocked
    | Rejected
    | Undeliverable
    | Uncertain
)
