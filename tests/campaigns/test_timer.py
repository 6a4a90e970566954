"""The timer itself: one per database, a standby that takes over, and a restart that sends
what fell due while the process was down."""

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.db.database import Database
from bot.db.models import SchedulerLease
from bot.db.types import utcnow
from bot.nlu import NluPipeline
from bot.runtime import Runtime
from bot.scheduling import CampaignTimer
from bot.scheduling.lease import hold, release
from bot.services.bulk_messages import BulkTexts
from bot.settings import Settings
from tests.campaigns.conftest import booking, citizen, event, queued, rome

STARTS = rome(2026, 5, 14, 18, 0)


def _wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the timer did not beat"
        time.sleep(0.02)


def _timer(db: Database, settings: Settings, texts: BulkTexts, now: datetime) -> CampaignTimer:
    fast = settings.model_copy(update={"scheduler_interval_seconds": 0.05})
    return CampaignTimer(db, fast, clock=lambda: now, texts=texts)


def test_the_lease_is_held_by_one_process_and_taken_over_when_it_lapses(db: Database) -> None:
    ttl = timedelta(seconds=90)
    with db.unit_of_work() as session:
        assert hold(session, "one", STARTS, ttl)
    with db.unit_of_work() as session:
        assert not hold(session, "two", STARTS + timedelta(seconds=60), ttl)
        assert hold(session, "one", STARTS + timedelta(seconds=60), ttl)  # renewed
    with db.unit_of_work() as session:
        assert not hold(session, "two", STARTS + timedelta(seconds=149), ttl)
        assert hold(session, "two", STARTS + timedelta(seconds=151), ttl)  # "one" died
    with db.unit_of_work() as session:
        assert not hold(session, "one", STARTS + timedelta(seconds=152), ttl)
        release(session, "two", STARTS + timedelta(seconds=153))
    with db.unit_of_work() as session:
        assert hold(session, "one", STARTS + timedelta(seconds=153), ttl)


def test_two_timers_on_one_database_send_each_reminder_once(
    db: Database, settings: Settings, texts: BulkTexts
) -> None:
    with db.unit_of_work() as session:
        focus = event(session, STARTS)
        for name in ("maria", "luca", "sara"):
            booking(session, focus, citizen(session, name), at=STARTS - timedelta(days=9))
    day_before = STARTS - timedelta(days=1)
    first, second = (_timer(db, settings, texts, day_before) for _ in range(2))
    first.start()
    second.start()
    try:
        _wait_for(lambda: first.beats >= 3 and second.beats >= 3)
    finally:
        first.stop()
        second.stop()
    assert [first.held, second.held].count(True) == 1
    assert sorted(row.address for row in queued(db)) == ["chat-luca", "chat-maria", "chat-sara"]


def test_a_restart_sends_what_fell_due_while_it_was_down(
    db: Database, settings: Settings, texts: BulkTexts
) -> None:
    with db.unit_of_work() as session:
        focus = event(session, STARTS)
        booking(session, focus, citizen(session, "maria"), at=STARTS - timedelta(days=9))
    before = _timer(db, settings, texts, STARTS - timedelta(days=2))
    before.start()
    _wait_for(lambda: before.beats >= 1)
    before.stop()
    assert queued(db) == []
    # Down through the day-before reminder; back 1 h 50 before the start.
    after = _timer(db, settings, texts, STARTS - timedelta(hours=1, minutes=50))
    after.start()
    try:
        _wait_for(lambda: after.beats >= 2)
    finally:
        after.stop()
    assert [row.response for row in queued(db)] == ["utter_event_reminder_soon"]


async def test_the_web_app_runs_the_timer_and_hands_it_back_when_it_stops(
    tmp_path: Path, nlu: NluPipeline
) -> None:
    settings = Settings(data_dir=tmp_path / "var", demo_data=False, scheduler_interval_seconds=0.05)
    runtime = Runtime.build(settings, nlu=nlu)
    try:
        await runtime.start_background()
        try:
            deadline = time.monotonic() + 30
            while _lease(runtime.database) is None and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            lease = _lease(runtime.database)
            assert lease is not None and lease.expires_at > utcnow()
        finally:
            await runtime.stop_background()
        lease = _lease(runtime.database)
        assert lease is not None and lease.expires_at <= utcnow()
    finally:
        runtime.close()


def _lease(database: Database) -> SchedulerLease | None:
    with database.unit_of_work() as session:
        return session.get(SchedulerLease, "campaigns")
