"""The operators' side's timer: urgent reports posted again until taken, late reports escalated.

APScheduler is only the metronome (an interval job kept in memory); what is due is read from
the database each time, so a restart loses nothing and a beat that runs twice does no harm.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.database import Database
from bot.services.escalation import escalate_late_reports
from bot.services.operator_alerts import remind_unclaimed
from bot.services.operator_setup import OperatorSetup

log = logging.getLogger(__name__)

BEAT_SECONDS = 60


def run_beat(database: Database, setup: OperatorSetup, now: datetime | None = None) -> None:
    """One beat: what is due now. Each part has its own unit of work, so one failing does
    not hold the other back."""
    with database.unit_of_work() as session:
        remind_unclaimed(session, setup, now)
    with database.unit_of_work() as session:
        escalate_late_reports(session, setup, now)


@asynccontextmanager
async def operator_timer(database: Database, setup: OperatorSetup) -> AsyncIterator[None]:
    scheduler = AsyncIOScheduler(timezone="Europe/Rome")
    # A synchronous job runs in the event loop's thread pool, off the loop.
    scheduler.add_job(
        run_beat,
        "interval",
        seconds=BEAT_SECONDS,
        args=[database, setup],
        id="operator-timer",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=BEAT_SECONDS,
    )
    scheduler.start()
    log.info("operator timer started: every %d s", BEAT_SECONDS)
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)
