"""Campaigns and announcements with a clock the test moves: every service takes `now`, and the
timer takes a clock, so schedules, quiet hours and daylight-saving nights are reproduced exactly."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.database import Database
from bot.db.models import Event, OutboxMessage, Person, Registration, User
from bot.scheduling.due_work import BeatReport, DueWork
from bot.services.broadcasts import Announcer, announcer_of, set_leader_reach
from bot.services.bulk_messages import BulkTexts
from bot.services.campaigns import CampaignContext
from bot.services.quiet_hours import QuietHours
from bot.services.subscriptions import subscribe
from bot.settings import PROJECT_ROOT, Settings

ROME = ZoneInfo("Europe/Rome")


def rome(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in Rome, as the instant the services work with (UTC)."""
    return datetime(year, month, day, hour, minute, tzinfo=ROME).astimezone(UTC)


@pytest.fixture(scope="session")
def texts() -> BulkTexts:
    return BulkTexts.load(PROJECT_ROOT)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", pseudonym_key="test-key", demo_data=False)


@pytest.fixture
def quiet(settings: Settings) -> QuietHours:
    return QuietHours.from_settings(settings)


@pytest.fixture
def context(texts: BulkTexts, quiet: QuietHours) -> CampaignContext:
    return CampaignContext(texts, quiet)


class Timer:
    """The campaign timer's work, beaten by hand at the times the test chooses."""

    def __init__(
        self, database: Database, context: CampaignContext, holder: str = "test", chunk: int = 500
    ) -> None:
        self.work = DueWork(database, context, holder, timedelta(seconds=90), chunk)

    def beat(self, now: datetime) -> BeatReport:
        return self.work.run(now)


@pytest.fixture
def timer(db: Database, context: CampaignContext) -> Timer:
    return Timer(db, context)


@dataclass(frozen=True)
class Queued:
    address: str
    text: str
    response: str | None
    status: str
    not_before: datetime
    priority: int
    dedupe_key: str | None


def queued(db: Database, address: str | None = None) -> list[Queued]:
    """What the outbox holds for a chat (or all of them), oldest first."""
    with db.unit_of_work() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if address is not None:
            query = query.where(OutboxMessage.address == address)
        return [
            Queued(
                row.address,
                str(row.payload.get("text", "")),
                row.payload.get("response"),
                row.status,
                row.not_before,
                row.priority,
                row.dedupe_key,
            )
            for row in session.scalars(query)
        ]


def citizen(
    session: Session,
    name: str,
    *,
    channel: str = "telegram",
    comune: str | None = "Orbassano",
    first_name: str | None = None,
    consent_at: datetime | None = None,
    **fields: Any,
) -> Person:
    person = Person(
        channel=channel,
        pseudonym=f"pseudo-{name}",
        address=f"chat-{name}",
        comune=comune,
        first_name=first_name,
        consent_at=consent_at or datetime(2026, 1, 1, tzinfo=UTC),
        **fields,
    )
    session.add(person)
    session.flush()
    return person


def subscriber(
    session: Session, name: str, topics: list[str], town: str | None, **fields: Any
) -> Person:
    person = citizen(session, name, comune=town, **fields)
    subscribe(session, person.id, topics, town)
    return person


def event(
    session: Session,
    starts_at: datetime,
    *,
    title: str = "Focus group sul quartiere",
    comune: str = "Orbassano",
    venue: str | None = "Biblioteca civica",
    ends_at: datetime | None = None,
) -> Event:
    row = Event(
        kind="focus_group",
        title=title,
        comune=comune,
        venue=venue,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=100,
    )
    session.add(row)
    session.flush()
    return row


def booking(
    session: Session, event: Event, person: Person, *, at: datetime, status: str = "confirmed"
) -> Registration:
    row = Registration(
        event_id=event.id, person_id=person.id, status=status, created_at=at, updated_at=at
    )
    session.add(row)
    session.flush()
    return row


def account(session: Session, username: str, role: str) -> User:
    user = User(username=username, display_name=username, role=role, password_hash="-")
    session.add(user)
    session.flush()
    return user


def leader(session: Session, username: str, towns: list[str], topics: list[str]) -> Announcer:
    return set_leader_reach(session, account(session, username, "community_leader"), towns, topics)


def coordinator(session: Session, username: str = "coordinatrice") -> Announcer:
    return announcer_of(session, account(session, username, "coordinator"))
