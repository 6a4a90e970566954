"""Who is on call for urgent reports at night, at weekends and on public holidays.

The rota lives in `queues.yml` (`on_call:`): a list of console usernames taking one week each,
Monday to Monday, in turn, and changes for given days that win over the rotation. A night
belongs to the day it began on, so Monday 02:00 is still Sunday's shift.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.routing import QueuesFileError
from bot.services.service_levels import ItalianHolidays, clock

ROME = ZoneInfo("Europe/Rome")


@dataclass(frozen=True)
class Change:
    operator: str
    first_day: date
    last_day: date


@dataclass(frozen=True)
class OnCallRota:
    queue: str
    night_starts: time
    night_ends: time
    weekends: bool
    holidays_too: bool
    operators: tuple[str, ...]
    changes: tuple[Change, ...]
    remind_every: timedelta
    holidays: ItalianHolidays
    zone: ZoneInfo = ROME

    def shift_day(self, now: datetime) -> date:
        """The day whose shift `now` falls in: before the night ends, it is still yesterday's."""
        local = now.astimezone(self.zone)
        if local.time() < self.night_ends:
            return local.date() - timedelta(days=1)
        return local.date()

    def off_hours(self, now: datetime) -> bool:
        """At night, at weekends, on holidays: when the offices are closed."""
        local = now.astimezone(self.zone)
        clock_now = local.time()
        if clock_now >= self.night_starts or clock_now < self.night_ends:
            return True
        today = local.date()
        if self.weekends and today.weekday() >= 5:
            return True
        return self.holidays_too and today in self.holidays

    def on_duty(self, now: datetime) -> str | None:
        """The username of whoever is on call at `now`, or None when nobody is named."""
        day = self.shift_day(now)
        for change in self.changes:
            if change.first_day <= day <= change.last_day:
                return change.operator
        if not self.operators:
            return None
        # 0001-01-01 was a Monday: counting whole weeks from it turns the rota every Monday.
        week = (day.toordinal() - 1) // 7
        return self.operators[week % len(self.operators)]


def parse_on_call(document: Any, holidays: ItalianHolidays | None = None) -> OnCallRota:
    section = document.get("on_call") if isinstance(document, dict) else None
    where = "queues.yml, on_call"
    if not isinstance(section, dict) or not isinstance(section.get("queue"), str):
        raise QueuesFileError(f"{where}: manca la coda di reperibilità ('queue')")
    rota = section.get("rota") or {}
    if not isinstance(rota, dict):
        raise QueuesFileError(f"{where}.rota: deve dire nights, weekends, holidays e operators")
    night = str(rota.get("nights") or "20:00-08:00")
    if night.count("-") != 1:
        raise QueuesFileError(f'{where}.rota.nights: scrivi l\'orario come "20:00-08:00"')
    starts, ends = (clock(part.strip(), f"{where}.rota.nights") for part in night.split("-"))
    minutes = section.get("remind_every_minutes", 5)
    if not isinstance(minutes, int) or minutes < 1:
        raise QueuesFileError(f"{where}.remind_every_minutes: un numero intero di minuti")
    return OnCallRota(
        queue=section["queue"],
        night_starts=starts,
        night_ends=ends,
        weekends=bool(rota.get("weekends", True)),
        holidays_too=bool(rota.get("holidays", True)),
        operators=_usernames(rota.get("operators"), f"{where}.rota.operators"),
        changes=tuple(_change(raw, f"{where}.rota.changes") for raw in rota.get("changes") or []),
        remind_every=timedelta(minutes=minutes),
        holidays=holidays or ItalianHolidays(),
    )


def _usernames(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise QueuesFileError(f"{where}: un elenco di nomi utente, come [mrossi, lbianchi]")
    return tuple(str(name).strip().lower() for name in raw)


def _change(raw: Any, where: str) -> Change:
    if not isinstance(raw, Mapping) or not {"operator", "from", "to"} <= set(raw):
        raise QueuesFileError(f"{where}: ogni cambio dice operator, from e to")
    try:
        first, last = (date.fromisoformat(str(raw[key])) for key in ("from", "to"))
    except ValueError:
        raise QueuesFileError(f"{where}: le date si scrivono come 2026-12-24") from None
    if last < first:
        raise QueuesFileError(f"{where}: 'to' viene prima di 'from'")
    return Change(str(raw["operator"]).strip().lower(), first, last)
