"""The answers to the weekly check-in: the indicator is fed, and when the week goes badly the
operators get a report, as if the person had written to ask for help."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import Person, Report
from bot.services.campaigns import WEEKLY_CHECKIN, mark_answered
from bot.services.indicators import BAD, GOOD, record_answer
from bot.services.reports import create_report

LONELINESS = "loneliness"
# The NLU's urgency counts when it is higher; a week that goes badly is never "low".
URGENCY_AT_LEAST = "medium"


@dataclass(frozen=True)
class CheckinOutcome:
    mood: str | None
    lonely: bool
    report: Report | None


def opens_report(mood: str | None, lonely: bool) -> bool:
    """ "Non bene", or "mi sento sola" without a "bene" that says it is fine that way."""
    return mood == BAD or (lonely and mood != GOOD)


def answer_checkin(
    session: Session,
    person_id: int,
    week: str,
    *,
    mood: str | None,
    lonely: bool,
    report_text: str,
    category: str,
    urgency: str,
    now: datetime,
) -> CheckinOutcome:
    """Record the answer; an answer that tells nothing of the week is only thanked for."""
    person = session.get_one(Person, person_id)
    mark_answered(session, person_id, WEEKLY_CHECKIN, f"week:{week}")
    if mood is None and lonely:
        mood = BAD
    if mood is None:
        return CheckinOutcome(None, False, None)
    report = None
    if opens_report(mood, lonely):
        report = create_report(
            session,
            person_id=person_id,
            text=report_text,
            category=category if category not in ("", "other") else LONELINESS,
            urgency=urgency if urgency == "high" else URGENCY_AT_LEAST,
            comune=person.comune,
            now=now,
        )
    record_answer(
        session,
        person,
        week,
        mood=mood,
        lonely=lonely,
        report_id=report.id if report else None,
        now=now,
    )
    return CheckinOutcome(mood, lonely, report)
