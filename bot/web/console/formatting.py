"""Dates and ages as an operator in Piedmont reads them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.services.operator_notices import age

ROME = ZoneInfo("Europe/Rome")


def local_time(moment: datetime | None) -> str:
    return moment.astimezone(ROME).strftime("%d/%m/%Y %H:%M") if moment else ""


def ago(moment: datetime | None, now: datetime) -> str:
    return age(moment, now) if moment else ""


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants a local calendar day starts and ends at."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=ROME)
    end = datetime.combine(date.fromordinal(day.toordinal() + 1), datetime.min.time(), tzinfo=ROME)
    return start, end
