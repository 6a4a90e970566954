"""Events and their places: what is on, booking with capacity and a waiting list, cancelling."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Event, Registration
from bot.db.types import utcnow

ROME = ZoneInfo("Europe/Rome")
CONFIRMED = "confirmed"
WAITLIST = "waitlist"
CANCELLED = "cancelled"


class EventUnavailable(LookupError):
    """No such event, or it has already started: nobody can book it."""


@dataclass(frozen=True)
class EventSummary:
    id: int
    kind: str
    title: str
    comune: str
    venue: str | None
    starts_at: datetime
    capacity: int
    confirmed: int

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)


@dataclass(frozen=True)
class Booking:
    event: EventSummary
    status: str  # confirmed | waitlist
    # Place in the waiting list, from 1; None when confirmed.
    position: int | None
    # The person had already booked: nothing changed.
    already: bool


@dataclass(frozen=True)
class Cancellation:
    event: EventSummary
    # False when the person had no booking to cancel.
    cancelled: bool
    # Who got the freed place, to be told.
    promoted_person_id: int | None


def _confirmed_count(session: Session, event_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.event_id == event_id, Registration.status == CONFIRMED)
        )
        or 0
    )


def _summary(session: Session, event: Event) -> EventSummary:
    return EventSummary(
        id=event.id,
        kind=event.kind,
        title=event.title,
        comune=event.comune,
        venue=event.venue,
        starts_at=event.starts_at,
        capacity=event.capacity,
        confirmed=_confirmed_count(session, event.id),
    )


def upcoming(
    session: Session,
    now: datetime | None = None,
    *,
    comune: str | None = None,
    kind: str | None = None,
    day: date | None = None,
    limit: int = 5,
) -> list[EventSummary]:
    """Events not started yet, soonest first; `day` is a calendar day in Rome."""
    query = select(Event).where(Event.starts_at > (now or utcnow())).order_by(Event.starts_at)
    if comune:
        query = query.where(Event.comune == comune)
    if kind:
        query = query.where(Event.kind == kind)
    events = session.scalars(query).all()
    if day is not None:
        events = [event for event in events if event.starts_at.astimezone(ROME).date() == day]
    return [_summary(session, event) for event in events[:limit]]


def event_summary(session: Session, event_id: int) -> EventSummary | None:
    event = session.get(Event, event_id)
    return None if event is None else _summary(session, event)


def _words(text: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    # The first five letters, so that "laboratori" meets "laboratorio" and "teatrale" "teatro".
    return {word[:5] for word in re.findall(r"[a-z]{4,}", plain)}


def match_events(
    session: Session,
    mention: str,
    now: datetime | None = None,
    *,
    comune: str | None = None,
    day: date | None = None,
) -> list[EventSummary]:
    """Upcoming events whose title, venue or town share words with what the person said."""
    wanted = _words(mention)
    scored: list[tuple[int, EventSummary]] = []
    for event in upcoming(session, now, comune=comune, day=day, limit=50):
        score = len(wanted & _words(f"{event.title} {event.venue or ''} {event.comune}"))
        if score:
            scored.append((score, event))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [event for score, event in scored if score == best]


def _waitlist_position(session: Session, registration: Registration) -> int:
    ahead = (
        session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(
                Registration.event_id == registration.event_id,
                Registration.status == WAITLIST,
                (Registration.updated_at < registration.updated_at)
                | (
                    (Registration.updated_at == registration.updated_at)
                    & (Registration.id < registration.id)
                ),
            )
        )
        or 0
    )
    return ahead + 1


def _open_event(session: Session, event_id: int, now: datetime) -> Event:
    # The row lock serialises bookings of one event on PostgreSQL, so two people never take
    # the last place together; SQLite has one writer at a time anyway.
    event = session.scalars(select(Event).where(Event.id == event_id).with_for_update()).first()
    if event is None or event.starts_at <= now:
        raise EventUnavailable(event_id)
    return event


def register(
    session: Session, event_id: int, person_id: int, now: datetime | None = None
) -> Booking:
    """Book a place, or a place in the waiting list when the event is full. Asking twice is
    answered with the booking already held."""
    now = now or utcnow()
    event = _open_event(session, event_id, now)
    registration = session.scalars(
        select(Registration).where(
            Registration.event_id == event_id, Registration.person_id == person_id
        )
    ).first()
    already = registration is not None and registration.status != CANCELLED
    if not already:
        status = CONFIRMED if _confirmed_count(session, event_id) < event.capacity else WAITLIST
        if registration is None:
            registration = Registration(event_id=event_id, person_id=person_id, created_at=now)
            session.add(registration)
        registration.status = status
        registration.updated_at = now
        session.flush()
    assert registration is not None
    position = (
        _waitlist_position(session, registration) if registration.status == WAITLIST else None
    )
    return Booking(
        event=_summary(session, event),
        status=registration.status,
        position=position,
        already=already,
    )


def cancel(
    session: Session, event_id: int, person_id: int, now: datetime | None = None
) -> Cancellation:
    """Give the place back; the first in the waiting list takes it."""
    now = now or utcnow()
    event = session.scalars(select(Event).where(Event.id == event_id).with_for_update()).first()
    if event is None:
        raise EventUnavailable(event_id)
    registration = session.scalars(
        select(Registration).where(
            Registration.event_id == event_id,
            Registration.person_id == person_id,
            Registration.status != CANCELLED,
        )
    ).first()
    if registration is None:
        return Cancellation(_summary(session, event), cancelled=False, promoted_person_id=None)
    freed = registration.status == CONFIRMED
    registration.status = CANCELLED
    registration.updated_at = now
    session.flush()
    promoted = promote_from_waitlist(session, event, now) if freed else None
    return Cancellation(_summary(session, event), cancelled=True, promoted_person_id=promoted)


def promote_from_waitlist(session: Session, event: Event, now: datetime) -> int | None:
    """Give a free place to the first in the waiting list; who got it, if anyone."""
    if event.starts_at <= now or _confirmed_count(session, event.id) >= event.capacity:
        return None
    first = session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == WAITLIST)
        .order_by(Registration.updated_at, Registration.id)
        .limit(1)
    ).first()
    if first is None:
        return None
    first.status = CONFIRMED
    first.updated_at = now
    session.flush()
    return first.person_id


@dataclass(frozen=True)
class HeldBooking:
    event: EventSummary
    status: str
    position: int | None


def bookings_of(session: Session, person_id: int, now: datetime | None = None) -> list[HeldBooking]:
    """The person's bookings of events still to come, soonest first."""
    rows = session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.person_id == person_id,
            Registration.status != CANCELLED,
            Event.starts_at > (now or utcnow()),
        )
        .order_by(Event.starts_at)
    ).all()
    return [
        HeldBooking(
            event=_summary(session, event),
            status=registration.status,
            position=(
                _waitlist_position(session, registration)
                if registration.status == WAITLIST
                else None
            ),
        )
        for registration, event in rows
    ]
