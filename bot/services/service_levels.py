"""Service levels: by when a report must be taken in charge, and what is late.

Targets come from `queues.yml` (`service_levels:`). An urgent target counts every minute, day
and night; the others count working hours only, skipping weekends, Italian public holidays
(the `holidays` package) and the territory's own holidays. Every function takes the time it
reasons about, so a test can move the clock.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import ColumnElement, and_, false, or_

from bot.db.models import Report
from bot.services.routing import URGENCIES, QueuesFileError
from bot.services.wall_clock import instant_at

ROME = ZoneInfo("Europe/Rome")
WEEKDAYS = {
    "lunedì": 0, "lunedi": 0, "martedì": 1, "martedi": 1, "mercoledì": 2, "mercoledi": 2,
    "giovedì": 3, "giovedi": 3, "venerdì": 4, "venerdi": 4, "sabato": 5, "domenica": 6,
}  # fmt: skip


class ItalianHolidays:
    """Italy's national holidays, plus the territory's own (month and day, every year)."""

    def __init__(self, extra: Iterable[tuple[int, int]] = ()) -> None:
        self._national = holidays.country_holidays("IT")
        self._extra = frozenset(extra)

    def __contains__(self, day: date) -> bool:
        return (day.month, day.day) in self._extra or day in self._national


@dataclass(frozen=True)
class WorkingCalendar:
    days: frozenset[int]  # Monday is 0
    opens: time
    closes: time
    holidays: ItalianHolidays
    zone: ZoneInfo = ROME

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of working time has passed since `start`."""
        day = start.astimezone(self.zone).date()
        cursor, remaining = start, duration
        while True:
            if self.is_working_day(day):
                open_at, close_at = self._span(day)
                begin = max(cursor, open_at)
                if begin < close_at:
                    if remaining <= close_at - begin:
                        return begin + remaining
                    remaining -= close_at - begin
            day += timedelta(days=1)
            cursor = instant_at(day, time(0), self.zone)

    def subtract(self, end: datetime, duration: timedelta) -> datetime:
        """The latest instant from which `duration` of working time has passed by `end`."""
        day = end.astimezone(self.zone).date()
        cursor, remaining = end, duration
        while True:
            if self.is_working_day(day):
                open_at, close_at = self._span(day)
                finish = min(cursor, close_at)
                if finish > open_at:
                    if remaining <= finish - open_at:
                        return finish - remaining
                    remaining -= finish - open_at
            cursor = instant_at(day, time(0), self.zone)
            day -= timedelta(days=1)

    def _span(self, day: date) -> tuple[datetime, datetime]:
        return instant_at(day, self.opens, self.zone), instant_at(day, self.closes, self.zone)

    @property
    def working_day(self) -> timedelta:
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)


@dataclass(frozen=True)
class Target:
    """Minutes of the clock, or working days of the calendar."""

    minutes: int = 0
    working_days: float = 0.0

    def describe(self) -> str:
        if self.minutes:
            return f"{self.minutes} minuti"
        days = f"{self.working_days:g}".replace(".", ",")
        return f"{days} giorni lavorativi" if self.working_days != 1 else "1 giorno lavorativo"


@dataclass(frozen=True)
class ServiceLevels:
    targets: Mapping[str, Target]
    calendar: WorkingCalendar

    def deadline(self, created_at: datetime, urgency: str) -> datetime:
        target = self.targets[urgency]
        if target.minutes:
            return created_at + timedelta(minutes=target.minutes)
        return self.calendar.add(created_at, self.calendar.working_day * target.working_days)

    def late_since(self, urgency: str, now: datetime) -> datetime:
        """Reports of this urgency created at or before this instant are late at `now`."""
        target = self.targets[urgency]
        if target.minutes:
            return now - timedelta(minutes=target.minutes)
        return self.calendar.subtract(now, self.calendar.working_day * target.working_days)

    def is_late(self, report: Report, now: datetime) -> bool:
        return report.status == "new" and self.deadline(report.created_at, report.urgency) <= now

    def late_condition(self, now: datetime) -> ColumnElement[bool]:
        """SQL for "waiting to be taken in charge past its target", one index range per urgency."""
        per_urgency = [
            and_(Report.urgency == urgency, Report.created_at <= self.late_since(urgency, now))
            for urgency in self.targets
        ]
        return and_(Report.status == "new", or_(false(), *per_urgency))


def parse_service_levels(document: Any) -> ServiceLevels:
    section = document.get("service_levels") if isinstance(document, dict) else None
    if not isinstance(section, dict):
        raise QueuesFileError("queues.yml: manca la sezione 'service_levels'")
    return ServiceLevels(_targets(section.get("take_within")), _calendar(section))


def _targets(raw: Any) -> dict[str, Target]:
    where = "queues.yml, service_levels.take_within"
    if not isinstance(raw, dict) or set(raw) != URGENCIES:
        raise QueuesFileError(f"{where}: servono high, medium e low")
    targets = {}
    for urgency, value in raw.items():
        if not isinstance(value, dict) or len(value) != 1:
            raise QueuesFileError(
                f"{where}.{urgency}: scrivi per esempio {{minutes: 15}} o {{working_days: 2}}"
            )
        ((unit, amount),) = value.items()
        if unit not in ("minutes", "working_days") or not isinstance(amount, int | float):
            raise QueuesFileError(f"{where}.{urgency}: le unità sono minutes o working_days")
        if amount <= 0:
            raise QueuesFileError(f"{where}.{urgency}: il tempo deve essere più di zero")
        targets[str(urgency)] = (
            Target(minutes=int(amount)) if unit == "minutes" else Target(working_days=amount)
        )
    return targets


def _calendar(section: Mapping[str, Any]) -> WorkingCalendar:
    where = "queues.yml, service_levels.working_hours"
    hours = section.get("working_hours")
    if not isinstance(hours, dict):
        raise QueuesFileError(f"{where}: mancano i giorni e l'orario")
    names = hours.get("days") or []
    unknown = [name for name in names if str(name).lower() not in WEEKDAYS]
    if not names or unknown:
        raise QueuesFileError(f"{where}: i giorni si scrivono come lunedì, martedì, ...")
    opens, closes = clock(hours.get("from"), where), clock(hours.get("to"), where)
    if opens >= closes:
        raise QueuesFileError(f"{where}: l'orario finisce prima di cominciare")
    return WorkingCalendar(
        days=frozenset(WEEKDAYS[str(name).lower()] for name in names),
        opens=opens,
        closes=closes,
        holidays=ItalianHolidays(_month_days(section.get("extra_holidays") or [])),
    )


def clock(raw: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(raw))
    except ValueError:
        raise QueuesFileError(f'{where}: {raw!r} non è un orario come "08:30"') from None


def _month_days(raw: Any) -> list[tuple[int, int]]:
    where = "queues.yml, service_levels.extra_holidays"
    if not isinstance(raw, list):
        raise QueuesFileError(f'{where}: deve essere un elenco, come ["06-24"]')
    days = []
    for item in raw:
        try:
            month, day = (int(part) for part in str(item).split("-"))
            date(2024, month, day)
        except ValueError:
            raise QueuesFileError(f'{where}: {item!r} non è un giorno come "06-24"') from None
        days.append((month, day))
    return days
