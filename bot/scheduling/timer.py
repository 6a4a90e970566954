"""APScheduler 3 as a plain beat: one interval job, in memory, that runs the due work.

Nothing about the campaigns is kept in APScheduler: its job store is in memory and holds a
single job, re-created at every start. APScheduler's job stores must never be shared by two
schedulers, and its misfire rules would silently skip a reminder due while the process was
down; both problems go away when the only job is "queue whatever is due now" over our tables.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.db.database import Database
from bot.db.types import utcnow
from bot.scheduling.due_work import DueWork
from bot.scheduling.lease import holder_name
from bot.services.bulk_messages import BulkTexts
from bot.services.campaigns import CampaignContext
from bot.services.quiet_hours import QuietHours
from bot.settings import Settings

log = logging.getLogger(__name__)

JOB_ID = "campaigns-due"
# A beat that starts late (a busy machine, a laptop waking up) still runs: it queues what is
# due whenever it runs. Missed beats are folded into one by coalesce.
MISFIRE_GRACE_SECONDS = 3600
# A lease outlives this many beats, so one slow beat does not hand the timer to a standby.
LEASE_BEATS = 3


def run_beat(timer: "CampaignTimer") -> None:
    """The job: module-level and referable by name, as APScheduler wants its jobs."""
    timer.beat()


class CampaignTimer:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utcnow,
        texts: BulkTexts | None = None,
    ) -> None:
        self.interval = timedelta(seconds=max(settings.scheduler_interval_seconds, 0.05))
        self._clock = clock
        self._zone = ZoneInfo(settings.timezone)
        context = CampaignContext(
            texts or BulkTexts.load(settings.project_root), QuietHours.from_settings(settings)
        )
        self.work = DueWork(database, context, holder_name(), self.interval * LEASE_BEATS)
        self._scheduler: BackgroundScheduler | None = None
        self.beats = 0
        self.held = False

    def beat(self) -> None:
        report = self.work.run(self._clock())
        self.beats += 1
        if report.held != self.held:
            log.info(
                "campaign timer %s: %s",
                self.work.holder,
                "running" if report.held else "another process holds it; standing by",
            )
            self.held = report.held
        if report.held and (any(report.queued.values()) or report.broadcasts or report.deferred):
            log.info(
                "campaign timer: queued %s, %d announcements, %d deferred to the morning",
                {kind: count for kind, count in report.queued.items() if count},
                report.broadcasts,
                report.deferred,
            )

    def start(self) -> None:
        scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
            timezone=self._zone,
        )
        scheduler.add_job(
            run_beat,
            IntervalTrigger(seconds=self.interval.total_seconds(), timezone=self._zone),
            args=[self],
            id=JOB_ID,
            name="queue what campaigns and announcements have due",
            replace_existing=True,
            # The first beat at once: what fell due while the process was down goes now.
            next_run_time=datetime.now(self._zone),
        )
        scheduler.start()
        self._scheduler = scheduler

    def stop(self) -> None:
        """Wait for a beat under way, then hand the lease back so a standby takes over now."""
        if self._scheduler is None:
            return
        self._scheduler.shutdown(wait=True)
        self._scheduler = None
        if self.held:
            try:
                self.work.release(self._clock())
            except Exception:
                log.exception("campaign timer: the lease could not be released; it will lapse")


@asynccontextmanager
async def running_campaign_timer(
    database: Database, settings: Settings
) -> AsyncIterator[CampaignTimer]:
    """The timer for as long as the web app runs (an entry of Runtime.background)."""
    timer = CampaignTimer(database, settings)
    timer.start()
    try:
        yield timer
    finally:
        await asyncio.to_thread(timer.stop)
