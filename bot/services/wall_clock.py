"""Wall-clock times in the towns' time zone, turned into instants without daylight-saving slips."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def instant_at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant when the clocks of `zone` show `clock` on `day`.

    On the night the clocks go back an hour repeats: the first time it is shown wins. On the
    night they go forward a wall time may not exist (02:30 in late March): zoneinfo reads it with
    the offset before the jump, so the instant falls just after the gap, never inside it.
    """
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def same_time_days_before(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The same wall-clock time `days` calendar days earlier: 23 or 25 hours across a change."""
    local = moment.astimezone(zone)
    return instant_at(local.date() - timedelta(days=days), local.time(), zone)
