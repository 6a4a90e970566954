"""Quiet hours: the night during which no bulk message is sent (21:00 to 08:30 in Rome by default).

Replies to someone who is writing now never come through here, and urgent notices are exempt:
only announcements and campaign messages wait for the morning.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.wall_clock import instant_at
from bot.settings import Settings


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    zone: ZoneInfo

    @classmethod
    def from_settings(cls, settings: Settings) -> "QuietHours":
        return cls(
            settings.quiet_hours_start, settings.quiet_hours_end, ZoneInfo(settings.timezone)
        )

    def is_quiet(self, moment: datetime) -> bool:
        clock = moment.astimezone(self.zone).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= clock < self.end
        # The usual case: the night goes over midnight.
        return clock >= self.start or clock < self.end

    def earliest(self, moment: datetime, *, urgent: bool = False) -> datetime:
        """The first instant, from `moment` on, when a bulk message may be sent."""
        if urgent or not self.is_quiet(moment):
            return moment
        local = moment.astimezone(self.zone)
        # Quiet before the end on the same day (the small hours), or in the evening: then the
        # night ends tomorrow morning.
        day = local.date() if local.time() < self.end else local.date() + timedelta(days=1)
        return instant_at(day, self.end, self.zone)
