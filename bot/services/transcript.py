"""The transcript in the messages table: written only for people who gave their consent."""

from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.db.models import Base, Message, Person
from bot.db.types import utcnow
from bot.messages import OutgoingMessage

# The table, not the entity: one executemany, without the ORM regrouping the rows by the
# columns they leave empty.
_INSERT = insert(Base.metadata.tables[Message.__tablename__])
INBOUND = "in"
OUTBOUND = "out"


def record_turn(
    session: Session,
    person: Person,
    said: str,
    intent: str | None,
    replies: Iterable[OutgoingMessage],
) -> None:
    """What the person said and what the bot answered, in one statement."""
    # A bug here would store what a person wrote without their consent: better to fail loudly.
    if person.consent_at is None:
        raise PermissionError("no transcript without consent")
    now = utcnow()
    rows = [{"person_id": person.id, "direction": INBOUND, "text": said, "intent": intent}]
    rows.extend(
        {"person_id": person.id, "direction": OUTBOUND, "text": reply.text, "intent": None}
        for reply in replies
    )
    session.connection().execute(_INSERT, [{**row, "created_at": now} for row in rows])
