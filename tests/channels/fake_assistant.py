"""A stand-in for the engine in the adapters' tests: it records what the adapter passed and,
as the engine does, writes its reply to the outbox instead of sending it."""

import threading

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Person
from bot.db.types import utcnow
from bot.engine.updates import claim_update
from bot.messages import IncomingMessage, OutgoingMessage
from bot.services.outbox import enqueue


class RecordingAssistant:
    def __init__(self, database: Database, reply: str = "Ricevuto, grazie.") -> None:
        self._database = database
        self._reply = reply
        self._lock = threading.Lock()
        self.received: list[IncomingMessage] = []

    def handle(self, incoming: IncomingMessage) -> list[OutgoingMessage]:
        with self._database.unit_of_work() as session:
            if incoming.message_id and not claim_update(
                session, incoming.channel, incoming.message_id
            ):
                return []
            with self._lock:
                self.received.append(incoming)
            # As the engine does: the person's message opens WhatsApp's 24-hour window.
            person = session.scalar(
                select(Person).where(
                    Person.channel == incoming.channel, Person.address == incoming.address
                )
            )
            if person is not None:
                person.last_inbound_at = utcnow()
                person.blocked_at = None
            reply = OutgoingMessage(text=self._reply)
            enqueue(session, person, incoming.channel, incoming.address, reply)
        return [reply]
