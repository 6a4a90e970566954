"""The demo data a newcomer finds on the first start: something to book, something to support."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Event, Idea, Volunteer
from bot.demo import load_demo_data
from bot.services import events, ideas

ROME = ZoneInfo("Europe/Rome")
# A Monday morning in Rome.
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ROME)


def test_an_empty_database_gets_events_ideas_and_a_volunteer(db: Database) -> None:
    assert load_demo_data(db, "Europe/Rome", now=NOW)

    with db.unit_of_work() as session:
        coming = events.upcoming(session, NOW.astimezone(UTC), limit=10)
        by_kind = {event.kind: event for event in coming}
        assert set(by_kind) == {"focus_group", "theatre_workshop", "exhibition"}
        focus_group = by_kind["focus_group"]
        assert focus_group.comune == "Orbassano"
        # Next week, at a local hour people can come.
        assert focus_group.starts_at.astimezone(ROME).date() == NOW.date() + timedelta(days=7)
        assert focus_group.starts_at.astimezone(ROME).hour == 17
        assert by_kind["theatre_workshop"].comune == "Piossasco"
        assert by_kind["exhibition"].comune not in {"Orbassano", "Piossasco"}
        assert all(event.places_left > 0 for event in coming)

        supported = ideas.open_ideas(session)
        assert len(supported) == 2
        assert all(idea.pledged_cents > 0 for idea in supported)
        assert all(idea.goal_cents and idea.pledged_cents < idea.goal_cents for idea in supported)

        assert session.scalar(select(func.count()).select_from(Volunteer)) == 1


def test_a_second_start_adds_nothing(db: Database) -> None:
    assert load_demo_data(db, "Europe/Rome", now=NOW)
    assert not load_demo_data(db, "Europe/Rome", now=NOW + timedelta(days=1))

    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 3
        assert session.scalar(select(func.count()).select_from(Idea)) == 2


def test_a_database_with_real_records_is_left_alone(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add(Idea(title="Panchine nuove", description="in piazza", open_for_pledges=False))

    assert not load_demo_data(db, "Europe/Rome", now=NOW)

    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 0
