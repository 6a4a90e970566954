"""Outbox rows and people written directly, and a delivery worker run for the length of a test."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import OutboxMessage, Person
from bot.db.types import utcnow
from bot.delivery.sender import Sender
from bot.delivery.worker import DeliveryWorker, WorkerOptions
from bot.messages import Button, Location, OutgoingMessage
from bot.services.outbox import enqueue

FAST = WorkerOptions(idle_seconds=0.05, backoff_seconds=0.2)


def add_person(
    db: Database,
    channel: str,
    address: str,
    *,
    last_inbound_at: datetime | None = None,
    template_opt_in: bool = False,
) -> int:
    with db.unit_of_work() as session:
        person = Person(
            channel=channel,
            pseudonym=f"pseudo-{channel}-{address}",
            address=address,
            last_inbound_at=last_inbound_at if last_inbound_at is not None else utcnow(),
            template_opt_in=template_opt_in,
        )
        session.add(person)
        session.flush()
        return person.id


def queue(
    db: Database,
    channel: str,
    address: str,
    text: str,
    *,
    priority: int = 0,
    buttons: tuple[tuple[str, str], ...] = (),
    request_location: bool = False,
    location: Location | None = None,
    person_id: int | None = None,
) -> int:
    message = OutgoingMessage(
        text=text,
        buttons=tuple(Button(title, payload) for title, payload in buttons),
        request_location=request_location,
        location=location,
    )
    with db.unit_of_work() as session:
        person = session.get(Person, person_id) if person_id else None
        row = enqueue(session, person, channel, address, message, priority=priority)
        session.flush()
        return row.id


def rows(db: Database) -> dict[int, OutboxMessage]:
    with db.unit_of_work() as session:
        return {row.id: row for row in session.scalars(select(OutboxMessage))}


def statuses(db: Database) -> dict[int, str]:
    return {row_id: row.status for row_id, row in rows(db).items()}


@asynccontextmanager
async def running(
    db: Database, sender: Sender, options: WorkerOptions = FAST
) -> AsyncIterator[DeliveryWorker]:
    """A delivery worker running in this event loop until the block ends."""
    stop = asyncio.Event()
    worker = DeliveryWorker(db, sender, options)
    task = asyncio.create_task(worker.run(stop))
    try:
        yield worker
    finally:
        stop.set()
        await task


async def settled(db: Database, timeout: float = 20.0) -> dict[int, str]:
    """Wait until no row is pending or being sent; the statuses then."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        current = statuses(db)
        if not any(status in ("pending", "sending") for status in current.values()):
            return current
        if loop.time() > deadline:
            raise AssertionError(f"the outbox did not settle: {current}")
        await asyncio.sleep(0.05)


async def until(condition, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the condition did not come true in time")
        await asyncio.sleep(0.02)
