"""A queue as the operators read it: urgent first, then the oldest, filtered and searched."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Report, ReportCase, User
from bot.services.casework import CLOSED, NEW, TAKEN
from bot.services.service_levels import ServiceLevels
from bot.web.console.formatting import day_bounds

PAGE_SIZE = 50
OPEN = "open"
ALL = "all"
STATUS_FILTERS = (OPEN, NEW, TAKEN, CLOSED, ALL)
# Any select over reports: the page's rows and their count share the same filters.
AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])
URGENCY_ORDER = case({"high": 0, "medium": 1, "low": 2}, value=Report.urgency, else_=3)


@dataclass(frozen=True)
class Filters:
    status: str = OPEN
    comune: str = ""
    category: str = ""
    since: date | None = None
    until: date | None = None
    search: str = ""

    @classmethod
    def read(
        cls,
        status: str = OPEN,
        comune: str = "",
        category: str = "",
        since: str = "",
        until: str = "",
        search: str = "",
    ) -> "Filters":
        """From the page's query string; what cannot be read is left out, not refused."""
        return cls(
            status=status if status in STATUS_FILTERS else OPEN,
            comune=comune.strip(),
            category=category.strip(),
            since=_day(since),
            until=_day(until),
            search=search.strip()[:200],
        )

    def query_string(self) -> dict[str, str]:
        values = {
            "status": self.status,
            "comune": self.comune,
            "category": self.category,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "search": self.search,
        }
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class Row:
    report: Report
    operator: str | None
    late: bool


@dataclass(frozen=True)
class Page:
    rows: Sequence[Row]
    total: int
    number: int
    filters: Filters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def reports_page(
    session: Session,
    queues: Collection[str] | None,
    filters: Filters,
    number: int,
    levels: ServiceLevels,
    now: datetime,
) -> Page:
    """One page of the reports of these queues (None: every queue).

    The page's ids and the total come from one scan of the reports alone (the count as a
    window); only the page's fifty rows are then joined to who has them in charge.
    """
    number = max(number, 1)
    found = _page_ids(session, queues, filters, number)
    if found:
        total = found[0][1]
    elif number == 1:
        total = 0
    else:
        # Past the last page (a link from before some reports were closed): show the last one.
        total = session.scalar(_filtered(select(func.count(Report.id)), queues, filters)) or 0
        number = max(1, -(-total // PAGE_SIZE))
        found = _page_ids(session, queues, filters, number) if total else []
    ids = [report_id for report_id, _ in found]
    named = {
        report.id: (report, name)
        for report, name in session.execute(
            select(Report, User.display_name)
            .outerjoin(ReportCase, ReportCase.report_id == Report.id)
            .outerjoin(User, User.id == ReportCase.operator_id)
            .where(Report.id.in_(ids))
        )
    }
    rows = [Row(named[i][0], named[i][1], levels.is_late(named[i][0], now)) for i in ids]
    return Page(rows=rows, total=total, number=number, filters=filters)


def _page_ids(
    session: Session, queues: Collection[str] | None, filters: Filters, number: int
) -> list[tuple[int, int]]:
    query = (
        _filtered(select(Report.id, func.count().over()), queues, filters)
        .order_by(URGENCY_ORDER, Report.created_at, Report.id)
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    )
    return [(report_id, total) for report_id, total in session.execute(query)]


def late_reports(
    session: Session, queues: Collection[str] | None, levels: ServiceLevels, now: datetime
) -> Sequence[Row]:
    """Every report waiting past its target, the longest waiting first."""
    query = select(Report, User.display_name).where(levels.late_condition(now))
    if queues is not None:
        query = query.where(Report.queue.in_(queues))
    rows = session.execute(
        query.outerjoin(ReportCase, ReportCase.report_id == Report.id)
        .outerjoin(User, User.id == ReportCase.operator_id)
        .order_by(Report.created_at)
        .limit(500)
    ).all()
    return [Row(report, name, True) for report, name in rows]


def queue_counts(
    session: Session, queues: Collection[str] | None, levels: ServiceLevels, now: datetime
) -> dict[str, dict[str, int]]:
    """Per queue: how many new, taken and late reports."""
    counts: dict[str, dict[str, int]] = {}
    status_query = (
        select(Report.queue, Report.status, func.count())
        .where(Report.status.in_((NEW, TAKEN)))
        .group_by(Report.queue, Report.status)
    )
    late_query = (
        select(Report.queue, func.count()).where(levels.late_condition(now)).group_by(Report.queue)
    )
    if queues is not None:
        status_query = status_query.where(Report.queue.in_(queues))
        late_query = late_query.where(Report.queue.in_(queues))
    for queue, status, count in session.execute(status_query):
        counts.setdefault(queue, {NEW: 0, TAKEN: 0, "late": 0})[status] = count
    for queue, count in session.execute(late_query):
        counts.setdefault(queue, {NEW: 0, TAKEN: 0, "late": 0})["late"] = count
    return counts


def _filtered(query: AnySelect, queues: Collection[str] | None, filters: Filters) -> AnySelect:
    if queues is not None:
        query = query.where(Report.queue.in_(queues))
    if filters.status == OPEN:
        query = query.where(Report.status.in_((NEW, TAKEN)))
    elif filters.status != ALL:
        query = query.where(Report.status == filters.status)
    if filters.comune:
        query = query.where(func.lower(Report.comune) == filters.comune.lower())
    if filters.category:
        query = query.where(Report.category == filters.category)
    if filters.since:
        query = query.where(Report.created_at >= day_bounds(filters.since)[0])
    if filters.until:
        query = query.where(Report.created_at < day_bounds(filters.until)[1])
    if filters.search:
        escaped = filters.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(
            or_(
                Report.reference == filters.search,
                Report.text.ilike(f"%{escaped}%", escape="\\"),
            )
        )
    return query


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        return None
