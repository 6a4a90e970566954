"""The outbox: every message to send is a row first; the channel's sender delivers it."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.db.models import Base, OutboxMessage, Person
from bot.db.types import utcnow
from bot.messages import Button, Channel, Location, OutgoingMessage

# The table, not the entity: one executemany for all the replies of a turn.
_INSERT = insert(Base.metadata.tables[OutboxMessage.__tablename__])
PENDING = "pending"
SENT = "sent"


def enqueue(
    session: Session,
    person: Person | None,
    channel: str,
    address: str,
    message: OutgoingMessage,
    priority: int = 0,
    dedupe_key: str | None = None,
    *,
    delivered: bool = False,
) -> OutboxMessage:
    """Queue a message; `delivered` records one its caller shows at once (web chat, shell)."""
    row = OutboxMessage(
        person_id=person.id if person is not None else None,
        channel=str(channel),
        address=address,
        payload=to_payload(message),
        priority=priority,
        dedupe_key=dedupe_key,
        status=SENT if delivered else PENDING,
        sent_at=utcnow() if delivered else None,
    )
    session.add(row)
    return row


def enqueue_replies(
    session: Session,
    person_id: int | None,
    channel: str,
    address: str,
    replies: Sequence[OutgoingMessage],
    *,
    delivered: bool = False,
) -> None:
    """A turn's replies, in one statement: they answer someone who is talking now."""
    if not replies:
        return
    now = utcnow()
    session.connection().execute(
        _INSERT,
        [
            {
                "person_id": person_id,
                "channel": str(channel),
                "address": address,
                "payload": to_payload(reply),
                "priority": 0,
                "status": SENT if delivered else PENDING,
                "not_before": now,
                "created_at": now,
                "sent_at": now if delivered else None,
            }
            for reply in replies
        ],
    )


def take_for_web(session: Session, address: str) -> list[OutgoingMessage]:
    """The web chat's pending messages for this session, marked sent as they are taken."""
    statement = (
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == Channel.WEB.value,
            OutboxMessage.address == address,
            OutboxMessage.status == PENDING,
            OutboxMessage.not_before <= utcnow(),
        )
        .order_by(OutboxMessage.id)
        .with_for_update(skip_locked=True)
    )
    rows = session.scalars(statement).all()
    now = utcnow()
    for row in rows:
        row.status = SENT
        row.sent_at = now
    return [from_payload(row.payload) for row in rows]


def to_payload(message: OutgoingMessage) -> dict[str, Any]:
    payload: dict[str, Any] = {"text": message.text}
    if message.buttons:
        payload["buttons"] = [{"title": b.title, "payload": b.payload} for b in message.buttons]
    if message.request_location:
        payload["request_location"] = True
    if message.location is not None:
        payload["location"] = {
            "latitude": message.location.latitude,
            "longitude": message.location.longitude,
            "address": message.location.address,
        }
    if message.response:
        payload["response"] = message.response
    if message.metadata:
        payload["metadata"] = dict(message.metadata)
    return payload


def from_payload(payload: dict[str, Any]) -> OutgoingMessage:
    location = payload.get("location")
    return OutgoingMessage(
        text=payload.get("text", ""),
        buttons=tuple(Button(b["title"], b["payload"]) for b in payload.get("buttons", ())),
        request_location=bool(payload.get("request_location", False)),
        location=Location(**location) if location else None,
        response=payload.get("response"),
        metadata=dict(payload.get("metadata") or {}),
    )
