"""A report's case: who among the operators has it, and what was sent about it."""

from sqlalchemy.orm import Session

from bot.db.models import ReportCase, User


def case_of(session: Session, report_id: int) -> ReportCase:
    """The report's case row, made on first use (a report nobody touched has none yet)."""
    case = session.get(ReportCase, report_id)
    if case is None:
        case = ReportCase(report_id=report_id, alerts_sent=0)
        session.add(case)
        session.flush()
    return case


def operator_of(session: Session, report_id: int) -> User | None:
    case = session.get(ReportCase, report_id)
    if case is None or case.operator_id is None:
        return None
    return session.get(User, case.operator_id)
