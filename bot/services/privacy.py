"""A person's rights over their data: see all of it, take a copy, have it erased."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import (
    Event,
    Idea,
    Message,
    OutboxMessage,
    Person,
    Place,
    Pledge,
    Registration,
    Report,
    Subscription,
    Volunteer,
)
from bot.services import events

EXPORT = "export"
ERASE = "erase"

# How people ask, as word beginnings without accents. Erasing is checked first: "cancella i
# miei dati" must never be read as a request to see them.
ERASE_WORDS = ("cancell", "elimin", "dimentic", "rimuov", "togli", "distrugg", "oblio")
EXPORT_WORDS = ("copia", "scaric", "esport", "export", "vedere", "mandami", "inviami", "avere")


class PersonNotFound(LookupError):
    pass


def requested_right(text: str) -> str | None:
    """ "erase", "export", or None when the person only asks what we keep."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    if any(re.search(rf"\b{word}", plain) for word in ERASE_WORDS):
        return ERASE
    if any(re.search(rf"\b{word}", plain) for word in EXPORT_WORDS):
        return EXPORT
    return None


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(session: Session, person_id: int) -> dict[str, Any]:
    """Everything we hold about the person, as plain JSON-ready data."""
    person = session.get(Person, person_id)
    if person is None:
        raise PersonNotFound(person_id)
    owned = {"person_id": person_id}

    def rows(model: Any) -> list[Any]:
        return list(session.scalars(select(model).filter_by(**owned).order_by(model.id)))

    return {
        "person": {
            "channel": person.channel,
            "pseudonym": person.pseudonym,
            "address": person.address,
            "first_name": person.first_name,
            "language": person.language,
            "comune": person.comune,
            "consent_at": _when(person.consent_at),
            "created_at": _when(person.created_at),
            "weekly_checkin": person.weekly_checkin,
        },
        "messages": [
            {"direction": m.direction, "text": m.text, "created_at": _when(m.created_at)}
            for m in rows(Message)
        ],
        "reports": [
            {
                "reference": r.reference,
                "text": r.text,
                "category": r.category,
                "urgency": r.urgency,
                "comune": r.comune,
                "frazione": r.frazione,
                "kind": r.kind,
                "queue": r.queue,
                "status": r.status,
                "outcome": r.outcome,
                "created_at": _when(r.created_at),
            }
            for r in rows(Report)
        ],
        "volunteering": [
            {
                "offer": v.offer,
                "availability": v.availability,
                "comune": v.comune,
                "created_at": _when(v.created_at),
            }
            for v in rows(Volunteer)
        ],
        "ideas": [
            {
                "title": i.title,
                "description": i.description,
                "audience": i.audience,
                "comune": i.comune,
                "created_at": _when(i.created_at),
            }
            for i in rows(Idea)
        ],
        "pledges": [
            {
                "idea": title,
                "amount_euro": pledge.amount_cents / 100,
                "created_at": _when(pledge.created_at),
            }
            for pledge, title in session.execute(
                select(Pledge, Idea.title)
                .join(Idea, Idea.id == Pledge.idea_id)
                .where(Pledge.person_id == person_id)
                .order_by(Pledge.id)
            )
        ],
        "places": [
            {
                "name": p.name,
                "story": p.story,
                "comune": p.comune,
                "address": p.address,
                "latitude": p.latitude,
                "longitude": p.longitude,
                "created_at": _when(p.created_at),
            }
            for p in rows(Place)
        ],
        "event_bookings": [
            {
                "event": event.title,
                "starts_at": _when(event.starts_at),
                "status": booking.status,
                "created_at": _when(booking.created_at),
            }
            for booking, event in session.execute(
                select(Registration, Event)
                .join(Event, Event.id == Registration.event_id)
                .where(Registration.person_id == person_id)
                .order_by(Registration.id)
            )
        ],
        "subscriptions": [
            {"topic": s.topic, "comune": s.comune or None} for s in rows(Subscription)
        ],
    }


@dataclass(frozen=True)
class Erasure:
    # (event id, person id) of everyone who got a place this person left: they must be told.
    promoted: list[tuple[int, int]]


def erase(session: Session, person_id: int) -> Erasure:
    """Delete the person and everything about them. Their event places go to the waiting list
    first, so nobody loses a place they were queueing for."""
    person = session.get(Person, person_id)
    if person is None:
        raise PersonNotFound(person_id)
    promoted: list[tuple[int, int]] = []
    held = session.scalars(
        select(Registration.event_id).where(
            Registration.person_id == person_id, Registration.status != events.CANCELLED
        )
    ).all()
    for event_id in held:
        cancellation = events.cancel(session, event_id, person_id)
        if cancellation.promoted_person_id is not None:
            promoted.append((event_id, cancellation.promoted_person_id))
    # Undelivered messages carry the person's chat address: they go too.
    session.execute(delete(OutboxMessage).where(OutboxMessage.person_id == person_id))
    # Through the ORM, so that whoever holds this Person in the same Session (the engine, in the
    # middle of the turn) sees it was deleted; the database cascades to every other table.
    session.delete(person)
    session.flush()
    return Erasure(promoted=promoted)
