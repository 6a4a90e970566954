"""Where an outbox row stands. Only `pending` rows are ever sent."""

from enum import StrEnum


class OutboxStatus(StrEnum):
    PENDING = "pending"
    # Claimed by a worker, whose HTTP call is under way. A row left here by a crash is never
    # sent again: it becomes `uncertain` once its claim is older than the lease.
    SENDING = "sending"
    SENT = "sent"
    # WhatsApp, outside the 24-hour window: the approved template invited the person back, and
    # the message itself waits until they write (then it is `pending` again).
    AWAITING_REPLY = "awaiting_reply"
    # The person blocked the bot: never retried, until they write again.
    BLOCKED = "blocked"
    # The platform's rules forbid it (WhatsApp outside the 24-hour window without an opt-in).
    UNDELIVERABLE = "undeliverable"
    # Refused by the platform, or still failing after the last retry.
    FAILED = "failed"
    # The platform may or may not have received it: resending could make it arrive twice.
    UNCERTAIN = "uncertain"
