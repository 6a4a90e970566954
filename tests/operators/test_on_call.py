"""Who is on call: nights, weekends and holidays, a week each, with changes for given days."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.on_call import OnCallRota, parse_on_call
from bot.services.routing import QueuesFileError
from bot.services.service_levels import ItalianHolidays

ROME = ZoneInfo("Europe/Rome")


def rota(**changes: object) -> OnCallRota:
    document = {
        "on_call": {
            "queue": "reperibilita",
            "rota": {
                "nights": "20:00-08:00",
                "weekends": True,
                "holidays": True,
                "operators": ["anna", "bruno", "carla"],
                "changes": [{"operator": "dario", "from": "2026-12-24", "to": "2026-12-26"}],
            },
            **changes,
        }
    }
    return parse_on_call(document, ItalianHolidays())


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


def test_offices_hours_are_not_on_call_time() -> None:
    on_call = rota()
    assert not on_call.off_hours(at(2026, 12, 1, 10, 0))  # Tuesday morning
    assert on_call.off_hours(at(2026, 12, 1, 21, 30))  # Tuesday night
    assert on_call.off_hours(at(2026, 12, 2, 7, 59))  # before the offices open
    assert on_call.off_hours(at(2026, 12, 5, 11, 0))  # Saturday
    assert on_call.off_hours(at(2026, 12, 8, 11, 0))  # Immacolata, a Tuesday


def test_the_rota_turns_every_monday_and_a_night_belongs_to_its_evening() -> None:
    on_call = rota()
    this_week = on_call.on_duty(at(2026, 12, 2, 22, 0))
    next_week = on_call.on_duty(at(2026, 12, 7, 22, 0))
    after = on_call.on_duty(at(2026, 12, 14, 22, 0))
    assert len({this_week, next_week, after}) == 3
    assert on_call.on_duty(at(2026, 12, 21, 22, 0)) == this_week
    # 03:00 on Monday is still Sunday night's shift, last week's person.
    assert on_call.on_duty(at(2026, 12, 7, 3, 0)) == this_week
    assert on_call.shift_day(at(2026, 12, 7, 3, 0)) == date(2026, 12, 6)


def test_a_change_wins_over_the_rotation() -> None:
    on_call = rota()
    assert on_call.on_duty(at(2026, 12, 25, 12, 0)) == "dario"
    # The night after the change's last day belongs to the 26th: still Dario.
    assert on_call.on_duty(at(2026, 12, 27, 2, 0)) == "dario"
    assert on_call.on_duty(at(2026, 12, 27, 21, 0)) != "dario"


def test_a_rota_without_names_names_nobody() -> None:
    document = {"on_call": {"queue": "reperibilita", "rota": {"operators": []}}}
    assert parse_on_call(document).on_duty(at(2026, 12, 1, 22, 0)) is None


@pytest.mark.parametrize(
    "broken",
    [
        {"rota": {"nights": "dalle 20"}},
        {"rota": {"changes": [{"operator": "anna", "from": "24/12", "to": "2026-12-26"}]}},
        {"remind_every_minutes": 0},
    ],
)
def test_a_broken_rota_is_explained(broken: dict[str, object]) -> None:
    with pytest.raises(QueuesFileError, match="on_call"):
        rota(**broken)
