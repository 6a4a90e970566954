"""Quiet hours: nothing in bulk between 21:00 and 08:30 in Rome, on every night of the year."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.services.quiet_hours import QuietHours
from tests.campaigns.conftest import rome

QUIET = QuietHours(time(21, 0), time(8, 30), ZoneInfo("Europe/Rome"))


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (rome(2026, 6, 10, 20, 59), False),
        (rome(2026, 6, 10, 21, 0), True),
        (rome(2026, 6, 11, 0, 30), True),
        (rome(2026, 6, 11, 8, 29), True),
        (rome(2026, 6, 11, 8, 30), False),
        (rome(2026, 6, 11, 14, 0), False),
    ],
)
def test_the_night_is_quiet_and_the_day_is_not(moment: datetime, quiet: bool) -> None:
    assert QUIET.is_quiet(moment) is quiet


def test_an_evening_message_waits_for_half_past_eight_next_morning() -> None:
    assert QUIET.earliest(rome(2026, 6, 10, 22, 15)) == rome(2026, 6, 11, 8, 30)


def test_a_message_in_the_small_hours_waits_for_the_same_morning() -> None:
    assert QUIET.earliest(rome(2026, 6, 11, 3, 0)) == rome(2026, 6, 11, 8, 30)


def test_a_daytime_message_goes_at_once() -> None:
    assert QUIET.earliest(rome(2026, 6, 11, 11, 0)) == rome(2026, 6, 11, 11, 0)


def test_urgent_messages_are_not_held_back() -> None:
    assert QUIET.earliest(rome(2026, 6, 10, 23, 0), urgent=True) == rome(2026, 6, 10, 23, 0)


def test_the_night_the_clocks_go_forward_still_ends_at_half_past_eight() -> None:
    # Last Sunday of March 2026: 02:00 CET becomes 03:00 CEST. Morning is 06:30 UTC, not 07:30.
    saturday_evening = datetime(2026, 3, 28, 21, 30, tzinfo=UTC)  # 22:30 in Rome
    morning = QUIET.earliest(saturday_evening)
    assert morning == datetime(2026, 3, 29, 6, 30, tzinfo=UTC)
    assert morning.astimezone(QUIET.zone).strftime("%H:%M %Z") == "08:30 CEST"
    assert QUIET.is_quiet(datetime(2026, 3, 29, 6, 29, tzinfo=UTC))
    assert not QUIET.is_quiet(datetime(2026, 3, 29, 6, 30, tzinfo=UTC))


def test_the_night_the_clocks_go_back_still_ends_at_half_past_eight() -> None:
    # Last Sunday of October 2026: 03:00 CEST becomes 02:00 CET. Morning is 07:30 UTC.
    saturday_evening = datetime(2026, 10, 24, 19, 30, tzinfo=UTC)  # 21:30 in Rome
    morning = QUIET.earliest(saturday_evening)
    assert morning == datetime(2026, 10, 25, 7, 30, tzinfo=UTC)
    assert morning.astimezone(QUIET.zone).strftime("%H:%M %Z") == "08:30 CET"
    # The repeated hour (02:00 to 03:00 twice) is quiet both times.
    assert QUIET.is_quiet(datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    assert QUIET.is_quiet(datetime(2026, 10, 25, 1, 30, tzinfo=UTC))


def test_the_hours_are_configurable() -> None:
    late = QuietHours(time(22, 30), time(7, 0), ZoneInfo("Europe/Rome"))
    assert not late.is_quiet(rome(2026, 6, 10, 22, 0))
    assert late.earliest(rome(2026, 6, 10, 23, 0)) == rome(2026, 6, 11, 7, 0)


def test_a_quiet_time_that_falls_in_the_missing_hour_never_ends_inside_it() -> None:
    # An end at 02:30 does not exist on 29 March 2026: the night ends just after the jump.
    odd = QuietHours(time(1, 0), time(2, 30), ZoneInfo("Europe/Rome"))
    end = odd.earliest(datetime(2026, 3, 29, 0, 15, tzinfo=UTC))  # 01:15 CET
    assert end > datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # after 02:00 CET = 03:00 CEST
    assert not odd.is_quiet(end)
