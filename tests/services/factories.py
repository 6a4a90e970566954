"""Rows the service tests start from, written directly: the services under test make the rest."""

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.db.models import Event, Idea, Person
from bot.db.types import utcnow


def person(session: Session, name: str = "maria", channel: str = "telegram") -> Person:
    row = Person(channel=channel, pseudonym=f"pseudo-{name}", address=f"chat-{name}")
    session.add(row)
    session.flush()
    return row


def event(
    session: Session,
    title: str = "Focus group sul quartiere",
    *,
    comune: str = "Orbassano",
    kind: str = "focus_group",
    capacity: int = 2,
    starts_at: datetime | None = None,
    venue: str | None = "Biblioteca civica",
) -> Event:
    row = Event(
        kind=kind,
        title=title,
        comune=comune,
        venue=venue,
        capacity=capacity,
        starts_at=starts_at or utcnow() + timedelta(days=7),
    )
    session.add(row)
    session.flush()
    return row


def idea(session: Session, title: str = "Orto condiviso", *, open_for_pledges: bool = True) -> Idea:
    row = Idea(
        title=title,
        description=f"{title} per il quartiere",
        comune="Piossasco",
        open_for_pledges=open_for_pledges,
        goal_cents=100_000,
    )
    session.add(row)
    session.flush()
    return row
