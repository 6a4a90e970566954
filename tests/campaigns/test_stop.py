"""Unsubscribing in the middle of a campaign: after "stop" the person receives nothing more."""

from datetime import timedelta

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Person
from bot.services.broadcasts import create_broadcast, send_broadcast
from bot.services.bulk_messages import BulkTexts
from bot.services.campaigns import stop_messages
from bot.services.quiet_hours import QuietHours
from bot.services.subscriptions import unsubscribe_all
from tests.campaigns.conftest import Timer, booking, coordinator, event, queued, rome, subscriber


def test_after_stop_nothing_more_arrives(
    db: Database, timer: Timer, texts: BulkTexts, quiet: QuietHours
) -> None:
    evening = rome(2026, 5, 10, 22, 0)  # Sunday night
    with db.unit_of_work() as session:
        maria = subscriber(session, "maria", ["events"], "Orbassano", weekly_checkin=True)
        luca = subscriber(session, "luca", ["events"], "Orbassano", weekly_checkin=True)
        focus = event(session, rome(2026, 5, 12, 18, 0))
        booking(session, focus, maria, at=evening - timedelta(days=3))
        booking(session, focus, luca, at=evening - timedelta(days=3))
        boss = coordinator(session)
        festa = create_broadcast(session, boss, text="Festa sabato", topics=["events"], now=evening)
        # Sent at night: it waits in the outbox for the morning.
        send_broadcast(session, festa.id, boss, texts, quiet, evening)
        maria_id = maria.id
    stopped_at = evening + timedelta(minutes=30)
    with db.unit_of_work() as session:
        unsubscribe_all(session, maria_id)
        assert stop_messages(session, maria_id, stopped_at)
    # Monday: check-in; Monday 18:00: the day-before reminder; Tuesday 16:00: two hours before.
    for moment in (rome(2026, 5, 11, 10, 0), rome(2026, 5, 11, 18, 0), rome(2026, 5, 12, 16, 0)):
        timer.beat(moment)
    with db.unit_of_work() as session:
        later = create_broadcast(session, boss, text="Altra festa", topics=["events"], now=evening)
        send_broadcast(session, later.id, boss, texts, quiet, rome(2026, 5, 12, 12, 0))
        still_asks = session.scalar(select(Person.weekly_checkin).where(Person.id == maria_id))
    marias = queued(db, "chat-maria")
    assert [row.status for row in marias] == ["cancelled"]  # the announcement waiting at night
    assert not still_asks
    lucas = [row.response for row in queued(db, "chat-luca")]
    assert lucas == [
        "broadcast",
        "utter_checkin_no_name",
        "utter_event_reminder_day_before",
        "utter_event_reminder_soon",
        "broadcast",
    ]


def test_booking_again_after_stop_brings_the_reminders_of_that_booking(
    db: Database, timer: Timer
) -> None:
    with db.unit_of_work() as session:
        maria = subscriber(session, "maria", ["events"], "Orbassano")
        stop_messages(session, maria.id, rome(2026, 5, 1, 12, 0))
        focus = event(session, rome(2026, 5, 12, 18, 0))
        booking(session, focus, maria, at=rome(2026, 5, 2, 12, 0))
    timer.beat(rome(2026, 5, 11, 18, 0))
    assert [row.response for row in queued(db, "chat-maria")] == ["utter_event_reminder_day_before"]
