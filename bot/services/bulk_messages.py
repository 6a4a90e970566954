"""Messages nobody asked for just now (announcements, reminders, check-ins): their texts and their
outbox rows.

Every such message ends with the short line that says how to stop. Each row carries a dedupe key
naming the announcement or occasion and the person, and is inserted with ON CONFLICT DO NOTHING:
running the same send twice, even at the same moment in two processes, queues nothing twice.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import OutboxMessage, Person
from bot.engine.domain import load_domain
from bot.engine.errors import Problems
from bot.engine.responses import Responses, compile_responses
from bot.messages import Channel, OutgoingMessage
from bot.services.outbox import to_payload

STOP_LINE = "utter_stop_line"
# Replies to someone writing now are 0; announcements and campaigns wait behind them.
BULK_PRIORITY = 10
# An urgent notice goes before the other bulk messages, still after the replies.
URGENT_PRIORITY = 5
PENDING = "pending"
# Set on rows that were waiting when their person said "stop": the senders only take `pending`.
CANCELLED = "cancelled"
WHATSAPP_WINDOW = timedelta(hours=24)


class BulkTexts:
    """The domain's responses, rendered for someone who is not talking to us right now."""

    def __init__(self, responses: Responses) -> None:
        self._responses = responses

    @classmethod
    def load(cls, project_root: Path) -> "BulkTexts":
        """Read domain.yml; raises ContentError, in plain words, when it cannot be used."""
        problems = Problems()
        domain = load_domain(project_root / "domain.yml", project_root, problems)
        variations = compile_responses(domain, "domain.yml", problems)
        if STOP_LINE not in variations:
            problems.add("domain.yml", f"the announcements need the response {STOP_LINE!r}")
        problems.raise_if_any()
        return cls(Responses(variations, random.Random()))

    def render(self, response: str, channel: str, **variables: Any) -> OutgoingMessage:
        message = self._responses.render(response, {}, variables, channel)
        return replace(message, text=self._with_stop_line(message.text, channel))

    def text(self, response: str, channel: str = "web", **variables: Any) -> str:
        """A response's text alone, without the stop line: a part of a longer message."""
        return self._responses.render(response, {}, variables, channel).text

    def announcement(self, text: str, channel: str) -> OutgoingMessage:
        """A leader's or coordinator's own words, as the citizens will read them."""
        return OutgoingMessage(
            text=self._with_stop_line(text.strip(), channel), response="broadcast"
        )

    def _with_stop_line(self, text: str, channel: str) -> str:
        stop = self._responses.render(STOP_LINE, {}, {}, channel).text
        return f"{text}\n\n{stop}"


def reachable(person: Person, now: datetime) -> bool:
    """Someone a message nobody asked for may be sent to now."""
    return (
        person.consent_at is not None
        and bool(person.address)
        and not is_blocked(person)
        and whatsapp_reachable(person, now)
    )


def is_blocked(person: Person) -> bool:
    """Blocked the bot and has not written since (writing again lifts it)."""
    if person.blocked_at is None:
        return False
    return person.last_inbound_at is None or person.last_inbound_at < person.blocked_at


def whatsapp_reachable(person: Person, now: datetime) -> bool:
    """WhatsApp allows free text only within 24 hours of the person's last message; after that
    only templates, and only to people who opted in."""
    if person.channel != Channel.WHATSAPP.value or person.template_opt_in:
        return True
    return person.last_inbound_at is not None and now - person.last_inbound_at < WHATSAPP_WINDOW


@dataclass(frozen=True)
class BulkRow:
    person_id: int
    channel: str
    address: str
    message: OutgoingMessage
    dedupe_key: str


def queue_rows(
    session: Session,
    rows: Sequence[BulkRow],
    *,
    not_before: datetime,
    now: datetime,
    priority: int = BULK_PRIORITY,
) -> Mapping[str, int]:
    """Insert the rows not queued yet; the outbox id of each one inserted, by dedupe key."""
    if not rows:
        return {}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # One statement run over many parameter sets: SQLAlchemy batches them into multi-row
    # INSERTs ("insertmanyvalues"), compiled once, and returns the ids of the rows inserted.
    statement = (
        insert(OutboxMessage)
        .on_conflict_do_nothing(index_elements=[OutboxMessage.dedupe_key])
        .returning(OutboxMessage.id, OutboxMessage.dedupe_key)
    )
    values = [
        {
            "person_id": row.person_id,
            "channel": row.channel,
            "address": row.address,
            "payload": to_payload(row.message),
            "priority": priority,
            "status": PENDING,
            "attempts": 0,
            "parts_sent": 0,
            "not_before": not_before,
            "dedupe_key": row.dedupe_key,
            "created_at": now,
        }
        for row in rows
    ]
    return {str(key): int(outbox_id) for outbox_id, key in session.execute(statement, values)}


def cancel_waiting(session: Session, person_id: int) -> int:
    """Bulk rows still waiting for this person are not sent any more; how many there were."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.person_id == person_id,
            OutboxMessage.status == PENDING,
            OutboxMessage.priority > 0,
        )
        .values(status=CANCELLED, error="the person asked to stop")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def defer_waiting(session: Session, until: datetime) -> int:
    """Bulk rows that would go out during quiet hours wait for the morning; urgent ones do not."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == PENDING,
            OutboxMessage.priority >= BULK_PRIORITY,
            OutboxMessage.not_before < until,
        )
        .values(not_before=until)
    )
    return int(getattr(result, "rowcount", 0) or 0)
