"""The outbox as a delivery worker sees it: claim the next due row, then settle it.

A row is claimed (status `sending`, `claimed_at` now) in its own committed transaction just
before its HTTP call, and marked `sent` in another one right after. The claim is a single
`UPDATE ... WHERE id = (SELECT ... LIMIT 1) RETURNING`, so that two workers can never take the same
row: on PostgreSQL the inner select skips rows another transaction holds (FOR UPDATE SKIP
LOCKED), on SQLite the statement takes the write lock before it reads.

A row still `sending` after the lease belonged to a worker that died between the claim and the
mark. Whether the platform got it cannot be known (neither Telegram nor WhatsApp takes an
idempotency key), so it is never sent again: it becomes `uncertain` and is logged.
"""

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Row,
    ScalarSelect,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.dml import ReturningUpdate

from bot.db.database import Database
from bot.db.models import OutboxMessage, Person
from bot.delivery.status import OutboxStatus
from bot.messages import OutgoingMessage
from bot.services.outbox import from_payload
from bot.services.people import mark_blocked

log = logging.getLogger(__name__)

# The statement of every send, built once: putting it together costs more than running it.
_MARK_SENT = (
    update(OutboxMessage)
    # `uncertain` too: a slow call may end after another worker gave up on it.
    .where(
        OutboxMessage.id == bindparam("row_id"),
        OutboxMessage.status.in_([OutboxStatus.SENDING, OutboxStatus.UNCERTAIN]),
    )
    .values(
        status=OutboxStatus.SENT,
        sent_at=bindparam("sent_now"),
        parts_sent=bindparam("sent_parts"),
        platform_message_id=bindparam("platform_id"),
        error=None,
    )
)

# Rows settled without a call (blocked people, unreadable payloads) in one claim, at most:
# the rest wait for the next slot.
_SKIPS_PER_CLAIM = 20


@dataclass(frozen=True)
class Recipient:
    person_id: int | None
    last_inbound_at: datetime | None
    template_opt_in: bool
    # When the person was last invited to write back (a row of theirs awaits their reply).
    invited_at: datetime | None = None


@dataclass(frozen=True)
class ClaimedRow:
    id: int
    channel: str
    address: str
    message: OutgoingMessage
    priority: int
    parts_sent: int
    attempts: int
    recipient: Recipient


class OutboxClaims:
    def __init__(self, database: Database, channel: str) -> None:
        self._database = database
        self._channel = channel
        self._postgres = database.engine.dialect.name == "postgresql"
        self._claim = self._claim_statement()

    def release_abandoned(self, claimed_before: datetime) -> list[int]:
        """Rows a dead worker left in `sending`: they become `uncertain`, never sent again."""
        with self._database.unit_of_work() as session:
            ids = list(
                session.scalars(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.channel == self._channel,
                        OutboxMessage.status == OutboxStatus.SENDING,
                        or_(
                            OutboxMessage.claimed_at.is_(None),
                            OutboxMessage.claimed_at < claimed_before,
                        ),
                    )
                    .values(
                        status=OutboxStatus.UNCERTAIN,
                        error="the sender stopped during the call; not sent again",
                    )
                    .returning(OutboxMessage.id)
                )
            )
        if ids:
            log.warning(
                "%s outbox: %d rows were being sent when a sender stopped; marked uncertain: %s",
                self._channel,
                len(ids),
                ", ".join(map(str, sorted(ids))),
            )
        return ids

    def claim_next(self, now: datetime, exclude: Collection[str]) -> ClaimedRow | None:
        """The most urgent due row whose chat has nothing older waiting, now `sending`."""
        for _ in range(_SKIPS_PER_CLAIM):
            with self._database.unit_of_work() as session:
                parameters = {"now": now, "exclude": list(exclude)}
                claimed = session.connection().execute(self._claim, parameters).first()
                if claimed is None:
                    return None
                row = self._load(session, claimed)
            if row is not None:
                return row
        return None

    def _claim_statement(self) -> ReturningUpdate[Any]:
        row = OutboxMessage
        earlier = aliased(OutboxMessage)
        same_chat = and_(
            earlier.channel == row.channel, earlier.address == row.address, earlier.id != row.id
        )
        # Within a chat the order is (priority, id): a row waits while one of its chat is being
        # sent, or an older one is pending (even one waiting for its retry). Two NOT EXISTS
        # rather than one with an OR, so that each is a short probe of the chat's rows.
        being_sent = exists().where(same_chat, earlier.status == OutboxStatus.SENDING)
        older_pending = exists().where(
            same_chat,
            earlier.status == OutboxStatus.PENDING,
            or_(
                earlier.priority < row.priority,
                and_(earlier.priority == row.priority, earlier.id < row.id),
            ),
        )
        # (priority, not_before, id) is the order of ix_outbox_due: the scan stops at the
        # first row that may go instead of sorting the whole queue.
        candidate = (
            select(row.id)
            .where(
                row.channel == self._channel,
                row.status == OutboxStatus.PENDING,
                row.not_before <= bindparam("now"),
                # Chats that cannot take a message now (in flight, over their budget).
                row.address.not_in(bindparam("exclude", expanding=True)),
                ~being_sent,
                ~older_pending,
            )
            .order_by(row.priority, row.not_before, row.id)
            .limit(1)
        )
        if self._postgres:
            candidate = candidate.with_for_update(skip_locked=True, of=row)
        return (
            update(OutboxMessage)
            .where(
                OutboxMessage.id == candidate.scalar_subquery(),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .values(status=OutboxStatus.SENDING, claimed_at=bindparam("now"))
            .returning(
                OutboxMessage.id,
                OutboxMessage.address,
                OutboxMessage.payload,
                OutboxMessage.priority,
                OutboxMessage.parts_sent,
                OutboxMessage.attempts,
                OutboxMessage.person_id,
            )
        )

    def _load(self, session: Session, claimed: Row[Any]) -> ClaimedRow | None:
        """The claimed row, or None after settling a row that must not be sent at all."""
        recipient = Recipient(person_id=None, last_inbound_at=None, template_opt_in=False)
        if claimed.person_id is not None:
            recipient_of_row = select(
                Person.blocked_at,
                Person.last_inbound_at,
                Person.template_opt_in,
                self._invited_at(claimed.address),
            ).where(Person.id == claimed.person_id)
            person = session.connection().execute(recipient_of_row).first()
            if person is not None:
                if _still_blocked(person.blocked_at, person.last_inbound_at):
                    self._settle_unsent(
                        session, claimed.id, OutboxStatus.BLOCKED, "the person blocked the bot"
                    )
                    return None
                recipient = Recipient(
                    person_id=claimed.person_id,
                    last_inbound_at=person.last_inbound_at,
                    template_opt_in=bool(person.template_opt_in),
                    invited_at=person[3],
                )
        try:
            message = from_payload(claimed.payload)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            log.error(
                "outbox row %d has a payload that is not a message (%s)",
                claimed.id,
                error.__class__.__name__,
            )
            self._settle_unsent(
                session, claimed.id, OutboxStatus.FAILED, "payload is not a message"
            )
            return None
        return ClaimedRow(
            id=claimed.id,
            channel=self._channel,
            address=claimed.address,
            message=message,
            priority=claimed.priority,
            parts_sent=claimed.parts_sent,
            attempts=claimed.attempts,
            recipient=recipient,
        )

    def _settle_unsent(
        self, session: Session, row_id: int, status: OutboxStatus, reason: str
    ) -> None:
        session.connection().execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(status=status, error=reason)
        )

    def _invited_at(self, address: str) -> ScalarSelect[datetime | None]:
        """When this chat was last invited to write back (a row of theirs awaits their reply)."""
        return (
            select(func.max(OutboxMessage.sent_at))
            .where(
                OutboxMessage.channel == self._channel,
                OutboxMessage.address == address,
                OutboxMessage.status == OutboxStatus.AWAITING_REPLY,
            )
            .scalar_subquery()
        )

    def record_progress(
        self, row_id: int, parts_sent: int, platform_message_id: str | None
    ) -> None:
        """Some parts of a long message went: a retry starts from the next one."""
        with self._database.unit_of_work() as session:
            session.connection().execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id)
                .values(parts_sent=parts_sent, platform_message_id=platform_message_id)
            )

    def mark_sent(
        self, row_id: int, parts_sent: int, platform_message_id: str | None, now: datetime
    ) -> None:
        with self._database.unit_of_work() as session:
            session.connection().execute(
                _MARK_SENT,
                {
                    "row_id": row_id,
                    "sent_now": now,
                    "sent_parts": parts_sent,
                    "platform_id": platform_message_id,
                },
            )

    def await_reply(
        self, row_id: int, platform_message_id: str | None, now: datetime, reason: str
    ) -> None:
        """The person was invited back (or already had been): the row waits for their reply.
        `sent_at` records the invitation, if this row carried it."""
        with self._database.unit_of_work() as session:
            session.connection().execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING)
                .values(
                    status=OutboxStatus.AWAITING_REPLY,
                    sent_at=now if platform_message_id else None,
                    platform_message_id=platform_message_id,
                    parts_sent=0,
                    error=reason[:200],
                )
            )

    def retry_later(
        self, row_id: int, not_before: datetime, parts_sent: int, failed: bool, reason: str
    ) -> None:
        with self._database.unit_of_work() as session:
            session.connection().execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING)
                .values(
                    status=OutboxStatus.PENDING,
                    not_before=not_before,
                    parts_sent=parts_sent,
                    attempts=OutboxMessage.attempts + (1 if failed else 0),
                    claimed_at=None,
                    error=reason[:200] or None,
                )
            )

    def finish(self, row_id: int, status: OutboxStatus, reason: str, parts_sent: int) -> None:
        with self._database.unit_of_work() as session:
            session.connection().execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING)
                .values(status=status, error=reason[:200], parts_sent=parts_sent)
            )

    def mark_blocked(self, row: ClaimedRow, reason: str, now: datetime) -> int:
        """The person blocked the bot: this row and everything still waiting for that chat are
        settled as blocked, and the person is marked, so nothing is tried again."""
        with self._database.unit_of_work() as session:
            result = session.connection().execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.channel == self._channel,
                    OutboxMessage.address == row.address,
                    or_(
                        OutboxMessage.id == row.id,
                        OutboxMessage.status == OutboxStatus.PENDING,
                    ),
                    OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
                )
                .values(status=OutboxStatus.BLOCKED, error=reason[:200])
            )
            if row.recipient.person_id is not None:
                mark_blocked(session, row.recipient.person_id, now)
            return int(result.rowcount or 0)


def _still_blocked(blocked_at: datetime | None, last_inbound_at: datetime | None) -> bool:
    """Blocked, and has not written since: someone who comes back unblocks themselves."""
    if blocked_at is None:
        return False
    return last_inbound_at is None or last_inbound_at < blocked_at


def release_awaiting_reply(session: Session, channel: str, address: str) -> int:
    """The person wrote: what waited for their reply can go now, in its original order."""
    result = session.connection().execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.address == address,
            OutboxMessage.status == OutboxStatus.AWAITING_REPLY,
        )
        .values(status=OutboxStatus.PENDING, claimed_at=None, error=None)
    )
    return int(result.rowcount or 0)
