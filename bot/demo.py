"""Demo data for a first try: events to book, ideas to support, a volunteer (from demo.yml)."""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.database import Database
from bot.db.models import Event, Idea, Pledge, User, Volunteer
from bot.db.types import utcnow
from bot.services.accounts import (
    ADMINISTRATOR,
    COORDINATOR,
    OPERATOR,
    create_user,
    generate_password,
)
from bot.services.routing import Routing

log = logging.getLogger(__name__)

DEMO_FILE = Path(__file__).resolve().parent / "demo.yml"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DemoEvent(_Record):
    kind: str
    title: str
    description: str
    comune: str
    venue: str
    in_days: int = Field(ge=0)
    at: time
    minutes: int = Field(gt=0)
    capacity: int = Field(gt=0)


class DemoIdea(_Record):
    title: str
    description: str
    audience: str
    comune: str
    goal_euro: int = Field(gt=0)
    pledges_euro: list[int]


class DemoVolunteer(_Record):
    offer: str
    availability: str
    comune: str


class DemoData(_Record):
    events: list[DemoEvent]
    ideas: list[DemoIdea]
    volunteers: list[DemoVolunteer]

    @classmethod
    def load(cls, path: Path = DEMO_FILE) -> "DemoData":
        return cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def load_demo_data(database: Database, timezone: str, now: datetime | None = None) -> bool:
    """Fill an empty database with the demo records; True when it did.

    "Empty" means no event, idea or volunteer at all, so a restart never adds them twice and a
    database with real records is never touched.
    """
    demo = DemoData.load()
    with database.unit_of_work() as session:
        if _has_records(session):
            return False
        _add(session, demo, (now or utcnow()).astimezone(ZoneInfo(timezone)))
    log.info(
        "demo data loaded: %d events, %d ideas, %d volunteers",
        len(demo.events),
        len(demo.ideas),
        len(demo.volunteers),
    )
    return True


def _has_records(session: Session) -> bool:
    return any(
        session.scalar(select(column).limit(1)) is not None
        for column in (Event.id, Idea.id, Volunteer.id)
    )


def _add(session: Session, demo: DemoData, local_now: datetime) -> None:
    for event in demo.events:
        day = local_now.date() + timedelta(days=event.in_days)
        starts_at = datetime.combine(day, event.at, tzinfo=local_now.tzinfo)
        session.add(
            Event(
                kind=event.kind,
                title=event.title,
                description=event.description,
                comune=event.comune,
                venue=event.venue,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=event.minutes),
                capacity=event.capacity,
            )
        )
    for idea in demo.ideas:
        record = Idea(
            title=idea.title,
            description=idea.description,
            audience=idea.audience,
            comune=idea.comune,
            open_for_pledges=True,
            goal_cents=idea.goal_euro * 100,
        )
        session.add(record)
        session.flush()
        # Pledges of nobody in particular: the demo has no people, only their traces.
        session.add_all(
            Pledge(idea_id=record.id, person_id=None, amount_cents=euro * 100)
            for euro in idea.pledges_euro
        )
    session.add_all(
        Volunteer(
            person_id=None,
            offer=volunteer.offer,
            availability=volunteer.availability,
            comune=volunteer.comune,
        )
        for volunteer in demo.volunteers
    )


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    queue: str | None = None


def load_demo_accounts(database: Database, routing: Routing) -> list[DemoAccount]:
    """A coordinator, an administrator and one operator per queue, each with a password made
    now; none when the console has any account at all. The passwords exist only in the returned
    list: `antenna serve` prints them once and they are never stored but as hashes."""
    made: list[DemoAccount] = []
    with database.unit_of_work() as session:
        if session.scalar(select(User.id).limit(1)) is not None:
            return []
        wanted = [
            DemoAccount("coordinamento", generate_password(), COORDINATOR),
            DemoAccount("amministrazione", generate_password(), ADMINISTRATOR),
        ] + [
            DemoAccount(f"op-{queue.id}", generate_password(), OPERATOR, queue.id)
            for queue in routing.queues
        ]
        for account in wanted:
            create_user(
                session,
                username=account.username,
                display_name=_demo_name(account, routing),
                role=account.role,
                password=account.password,
                queues=[account.queue] if account.queue else [],
            )
            made.append(account)
    log.info("demo accounts created: %d", len(made))
    return made


def _demo_name(account: DemoAccount, routing: Routing) -> str:
    if account.queue is None:
        return account.username.capitalize()
    return f"Operatore {routing.queue(account.queue).name}"
