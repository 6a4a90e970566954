"""A missed service level goes up to the coordinators, once per report."""

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Report, ReportCase
from bot.db.types import utcnow
from bot.services import audit, operator_notices
from bot.services.cases import case_of
from bot.services.operator_setup import OperatorSetup

log = logging.getLogger(__name__)


def escalate_late_reports(
    session: Session, setup: OperatorSetup, now: datetime | None = None
) -> list[Report]:
    """Every report past its target and not escalated yet: logged, stamped, coordinators told."""
    now = now or utcnow()
    late = session.scalars(
        select(Report)
        .outerjoin(ReportCase, ReportCase.report_id == Report.id)
        .where(setup.levels.late_condition(now), ReportCase.escalated_at.is_(None))
        .order_by(Report.created_at)
    ).all()
    for report in late:
        deadline = setup.levels.deadline(report.created_at, report.urgency)
        case_of(session, report.id).escalated_at = now
        audit.record(
            session, None, "escalate", report_id=report.id, now=now, deadline=deadline.isoformat()
        )
        told = operator_notices.tell_coordinators_late(session, setup, report, deadline, now)
        log.warning("report %s missed its target: escalated to %d coordinator(s)", report.id, told)
    return list(late)
