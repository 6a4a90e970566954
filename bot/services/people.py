"""People: a keyed pseudonym per channel, never the platform's id; consent; blocked bots."""

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Handoff, Person
from bot.db.types import utcnow

KEY_FILE = "pseudonym.key"


def pseudonym(key: str, channel: str, user_id: str) -> str:
    """HMAC-SHA256 of channel and user id: stable for us, meaningless without the key."""
    message = f"{channel}:{user_id}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def ensure_pseudonym_key(data_dir: Path) -> str:
    """The key in <data_dir>/pseudonym.key, created (readable by its owner only) when missing.

    Losing it makes every person a stranger, so it is created once and then only read.
    """
    path = data_dir / KEY_FILE
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process wrote it first: theirs is the key.
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key


# Built once: a turn runs these every time, and building a statement costs more than running it.
_PERSON_FOR_UPDATE = (
    select(Person)
    .where(Person.channel == bindparam("channel"), Person.pseudonym == bindparam("pseudonym"))
    .with_for_update()
)
_OPEN_HANDOFF = (
    select(Handoff.id)
    .where(Handoff.person_id == Person.id, Handoff.closed_at.is_(None))
    .order_by(Handoff.id.desc())
    .limit(1)
    .correlate(Person)
    .scalar_subquery()
)
_CONVERSATION_AND_HANDOFF = (
    select(Conversation, _OPEN_HANDOFF)
    .select_from(Person)
    .outerjoin(Conversation, Conversation.person_id == Person.id)
    .where(Person.id == bindparam("person_id"))
)


@dataclass(frozen=True)
class TurnRecords:
    """What a turn reads of the person who wrote."""

    person: Person
    conversation: Conversation | None
    open_handoff_id: int | None  # an operator is talking with them


def find_for_turn(session: Session, channel: str, person_pseudonym: str) -> TurnRecords | None:
    """The person, their row locked until the turn ends (PostgreSQL), their conversation and
    the handoff open with them.

    Two statements on purpose: under READ COMMITTED, a statement that waited for the lock
    sees the locked row as just committed but the rows it joins as they were when it started,
    which would hand this turn the conversation state the other turn has just replaced.
    """
    person = session.scalars(
        _PERSON_FOR_UPDATE, {"channel": str(channel), "pseudonym": person_pseudonym}
    ).first()
    if person is None:
        return None
    row = session.execute(_CONVERSATION_AND_HANDOFF, {"person_id": person.id}).one()
    return TurnRecords(person, row[0], row[1])


def create(session: Session, channel: str, person_pseudonym: str, address: str) -> bool:
    """Create the person unless someone else just did; True when this call created them.

    Only what is needed to answer is stored before consent: the pseudonym and the address.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Person)
        .values(channel=channel, pseudonym=person_pseudonym, address=address)
        .on_conflict_do_nothing(index_elements=[Person.channel, Person.pseudonym])
        .returning(Person.id)
    )
    return session.execute(statement).first() is not None


def give_consent(person: Person, version: str, now: datetime) -> None:
    person.consent_at = now
    person.consent_version = version
    person.consent_declined_at = None


def decline_consent(person: Person, now: datetime) -> None:
    person.consent_declined_at = now


def mark_blocked(session: Session, person_id: int, now: datetime | None = None) -> None:
    """The person blocked the bot: nothing is sent to them until they write again."""
    session.execute(update(Person).where(Person.id == person_id).values(blocked_at=now or utcnow()))
