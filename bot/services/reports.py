"""Reports: a person's need or problem, numbered by year, in its operators' queue."""

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import ReferenceCounter, Report
from bot.db.types import utcnow
from bot.services.routing import Queue, Routing, load_routing

# The reference's year is the one the person lives in: a report at 00:30 on 1 January in Rome
# belongs to the new year even though it is still 31 December in UTC.
ROME = ZoneInfo("Europe/Rome")


def next_reference(session: Session, now: datetime | None = None) -> str:
    """The next reference of the year, e.g. 2026-0142.

    One upsert: on PostgreSQL it holds the counter row's lock until the transaction ends, so two
    reports written at the same moment never get the same number.
    """
    year = (now or utcnow()).astimezone(ROME).year
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(ReferenceCounter)
        .values(year=year, last=1)
        .on_conflict_do_update(
            index_elements=[ReferenceCounter.year], set_={"last": ReferenceCounter.last + 1}
        )
        .returning(ReferenceCounter.last)
    )
    number = session.execute(statement).scalar_one()
    return f"{year}-{number:04d}"


def create_report(
    session: Session,
    *,
    person_id: int | None,
    text: str,
    category: str,
    urgency: str,
    comune: str | None = None,
    frazione: str | None = None,
    kind: str = "report",
    subject: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    photo_file_ids: Sequence[str] = (),
    routing: Routing | None = None,
    queue: Queue | None = None,
    now: datetime | None = None,
) -> Report:
    """Store the report in the queue that takes it (or the one given) with its reference."""
    now = now or utcnow()
    queue = queue or (routing or load_routing()).route(category, urgency, comune)
    report = Report(
        reference=next_reference(session, now),
        person_id=person_id,
        text=text,
        category=category,
        urgency=urgency,
        comune=comune,
        frazione=frazione,
        kind=kind,
        subject=subject,
        queue=queue.id,
        status="new",
        latitude=latitude,
        longitude=longitude,
        photo_file_ids=list(photo_file_ids),
        created_at=now,
        updated_at=now,
    )
    session.add(report)
    session.flush()
    return report


def add_to_report(
    session: Session,
    reference: str,
    text: str,
    *,
    comune: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Report | None:
    """What the person tells us after the report was opened (an emergency's follow-up)."""
    report = find_report(session, reference)
    if report is None:
        return None
    if text.strip():
        report.text = f"{report.text}\n\n{text}"
    report.comune = report.comune or comune
    if latitude is not None and longitude is not None:
        report.latitude, report.longitude = latitude, longitude
    session.flush()
    return report


def find_report(session: Session, reference: str) -> Report | None:
    return session.scalars(select(Report).where(Report.reference == reference)).first()
