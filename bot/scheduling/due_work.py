"""One beat of the campaign timer: queue whatever is due now. Safe to run any number of times,
late, or after a restart: every step finds in our tables what is still to do."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from sqlalchemy.orm import Session

from bot.db.database import Database
from bot.scheduling import lease
from bot.services import broadcasts, campaigns
from bot.services.bulk_messages import defer_waiting
from bot.services.campaigns import CampaignContext, Plan

log = logging.getLogger(__name__)
T = TypeVar("T")

Planner = Callable[[Session, CampaignContext, datetime], Plan]
PLANNERS: dict[str, Planner] = {
    campaigns.EVENT_REMINDERS: campaigns.plan_event_reminders,
    campaigns.WEEKLY_CHECKIN: campaigns.plan_weekly_checkins,
    campaigns.EVENT_FEEDBACK: campaigns.plan_event_feedback,
    campaigns.MONTHLY_DIGEST: campaigns.plan_monthly_digest,
}
# Messages written per transaction: the first reach the delivery worker at once, and a reply
# to someone writing now waits for one chunk at most, never for the whole burst.
CHUNK = 500


@dataclass
class BeatReport:
    # False: another process holds the timer, and this one did nothing.
    held: bool
    broadcasts: int = 0
    queued: dict[str, int] = field(default_factory=dict)
    paused: list[str] = field(default_factory=list)
    expired_questions: int = 0
    deferred: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DueWork:
    database: Database
    context: CampaignContext
    holder: str
    lease_ttl: timedelta
    chunk: int = CHUNK

    def run(self, now: datetime) -> BeatReport:
        with self.database.unit_of_work() as session:
            if not lease.hold(session, self.holder, now, self.lease_ttl):
                return BeatReport(held=False)
        report = BeatReport(held=True)
        self._step(report, "broadcasts", partial(self._broadcasts, report=report, now=now))
        for kind, planner in PLANNERS.items():
            self._campaign(report, kind, planner, now)
        self._step(report, "questions", partial(self._questions, report=report, now=now))
        if self.context.quiet.is_quiet(now):
            self._step(report, "quiet hours", partial(self._defer, report=report, now=now))
        return report

    def release(self, now: datetime) -> None:
        with self.database.unit_of_work() as session:
            lease.release(session, self.holder, now)

    def _step(self, report: BeatReport, name: str, work: Callable[[Session], T]) -> T | None:
        # Each step in its own unit of work: a campaign that breaks does not hold back the others.
        try:
            with self.database.unit_of_work() as session:
                return work(session)
        except Exception:
            log.exception("campaign timer: %s failed; the next beat tries again", name)
            report.failed.append(name)
            return None

    def _broadcasts(self, session: Session, *, report: BeatReport, now: datetime) -> None:
        sent = broadcasts.send_due_broadcasts(session, self.context.texts, self.context.quiet, now)
        report.broadcasts = len(sent)

    def _campaign(self, report: BeatReport, kind: str, planner: Planner, now: datetime) -> None:
        plan = self._step(
            report, kind, partial(self._plan, report=report, kind=kind, planner=planner, now=now)
        )
        if plan is None:
            return
        report.queued[kind] = 0
        for start in range(0, len(plan.messages), self.chunk):
            chunk = plan.messages[start : start + self.chunk]
            self._step(report, kind, partial(self._write, report=report, plan=plan, chunk=chunk))

    def _plan(
        self,
        session: Session,
        *,
        report: BeatReport,
        kind: str,
        planner: Planner,
        now: datetime,
    ) -> Plan | None:
        if campaigns.is_paused(session, kind):
            report.paused.append(kind)
            return None
        plan = planner(session, self.context, now)
        campaigns.record_dropped(session, plan)
        campaigns.mark_run(session, kind, now)
        return plan

    def _write(
        self, session: Session, *, report: BeatReport, plan: Plan, chunk: list[campaigns.Planned]
    ) -> None:
        written = campaigns.write_planned(session, self.context, plan, chunk)
        report.queued[plan.campaign] += written

    def _questions(self, session: Session, *, report: BeatReport, now: datetime) -> None:
        report.expired_questions = campaigns.forget_unanswered(session, now)

    def _defer(self, session: Session, *, report: BeatReport, now: datetime) -> None:
        report.deferred = defer_waiting(session, self.context.quiet.earliest(now))
