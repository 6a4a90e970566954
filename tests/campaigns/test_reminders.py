"""Event reminders: the day before at the same time and two hours before, once each, never at
night, and after a restart only while they still help."""

from datetime import UTC, datetime, timedelta

from bot.db.database import Database
from bot.services.campaigns import DAY_BEFORE, TWO_HOURS, CampaignContext, reminder_due_at
from tests.campaigns.conftest import ROME, Timer, booking, citizen, event, queued, rome

STOP_LINE = "Per non ricevere più messaggi scrivi STOP"


def _focus_group(db: Database, starts_at: datetime, people: tuple[str, ...] = ("maria",)) -> int:
    with db.unit_of_work() as session:
        focus = event(session, starts_at)
        for name in people:
            booking(session, focus, citizen(session, name), at=starts_at - timedelta(days=10))
        return focus.id


def _reminders(db: Database, address: str = "chat-maria") -> list[str | None]:
    return [row.response for row in queued(db, address)]


def test_the_day_before_and_two_hours_before(db: Database, timer: Timer) -> None:
    starts = rome(2026, 5, 14, 18, 0)
    _focus_group(db, starts)
    timer.beat(rome(2026, 5, 13, 17, 59))
    assert _reminders(db) == []
    timer.beat(rome(2026, 5, 13, 18, 0))
    assert _reminders(db) == ["utter_event_reminder_day_before"]
    timer.beat(rome(2026, 5, 13, 18, 1))
    timer.beat(rome(2026, 5, 14, 15, 59))
    assert _reminders(db) == ["utter_event_reminder_day_before"]
    timer.beat(rome(2026, 5, 14, 16, 0))
    timer.beat(rome(2026, 5, 14, 16, 5))
    assert _reminders(db) == ["utter_event_reminder_day_before", "utter_event_reminder_soon"]
    day_before, soon = queued(db, "chat-maria")
    assert "Focus group sul quartiere" in day_before.text
    assert "giovedì 14 maggio alle 18:00" in day_before.text
    assert "Biblioteca civica, Orbassano" in day_before.text
    assert "alle 18:00" in soon.text
    assert day_before.text.endswith(STOP_LINE) and soon.text.endswith(STOP_LINE)
    assert day_before.priority == soon.priority == 10


def test_only_confirmed_places_are_reminded(db: Database, timer: Timer) -> None:
    starts = rome(2026, 5, 14, 18, 0)
    with db.unit_of_work() as session:
        focus = event(session, starts)
        booking(session, focus, citizen(session, "maria"), at=starts - timedelta(days=3))
        booking(
            session,
            focus,
            citizen(session, "luca"),
            at=starts - timedelta(days=3),
            status="waitlist",
        )
        booking(
            session,
            focus,
            citizen(session, "sara"),
            at=starts - timedelta(days=3),
            status="cancelled",
        )
    timer.beat(rome(2026, 5, 13, 18, 0))
    assert [row.address for row in queued(db)] == ["chat-maria"]


def test_the_day_before_keeps_the_wall_clock_when_the_clocks_go_forward() -> None:
    # Sunday 29 March 2026 at 18:00 CEST: the reminder is Saturday at 18:00 CET, 23 hours earlier.
    starts = datetime(2026, 3, 29, 16, 0, tzinfo=UTC)
    due = reminder_due_at(DAY_BEFORE, starts, ROME)
    assert due == datetime(2026, 3, 28, 17, 0, tzinfo=UTC)
    assert due.astimezone(ROME).strftime("%a %H:%M") == "Sat 18:00"
    assert starts - due == timedelta(hours=23)


def test_the_day_before_keeps_the_wall_clock_when_the_clocks_go_back() -> None:
    # Sunday 25 October 2026 at 18:00 CET: the reminder is Saturday at 18:00 CEST, 25 hours earlier.
    starts = datetime(2026, 10, 25, 17, 0, tzinfo=UTC)
    due = reminder_due_at(DAY_BEFORE, starts, ROME)
    assert due == datetime(2026, 10, 24, 16, 0, tzinfo=UTC)
    assert starts - due == timedelta(hours=25)


def test_two_hours_before_is_two_real_hours_across_the_change() -> None:
    # 04:00 CEST on 29 March is 02:00 UTC; two hours before is 00:00 UTC, 01:00 CET on the clock.
    starts = datetime(2026, 3, 29, 2, 0, tzinfo=UTC)
    assert reminder_due_at(TWO_HOURS, starts, ROME) == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)


def test_on_the_daylight_saving_weekends_the_timer_sends_at_the_right_hour(
    db: Database, timer: Timer
) -> None:
    march = _focus_group(db, datetime(2026, 3, 29, 16, 0, tzinfo=UTC), ("maria",))
    october = _focus_group(db, datetime(2026, 10, 25, 17, 0, tzinfo=UTC), ("luca",))
    assert march != october
    timer.beat(datetime(2026, 3, 28, 16, 59, tzinfo=UTC))  # 17:59 CET
    assert _reminders(db, "chat-maria") == []
    timer.beat(datetime(2026, 3, 28, 17, 0, tzinfo=UTC))  # 18:00 CET
    assert _reminders(db, "chat-maria") == ["utter_event_reminder_day_before"]
    timer.beat(datetime(2026, 10, 24, 15, 59, tzinfo=UTC))  # 17:59 CEST
    assert _reminders(db, "chat-luca") == []
    timer.beat(datetime(2026, 10, 24, 16, 0, tzinfo=UTC))  # 18:00 CEST
    assert _reminders(db, "chat-luca") == ["utter_event_reminder_day_before"]


def test_a_reminder_due_at_night_goes_in_the_morning(db: Database, timer: Timer) -> None:
    # A show at 22:00: its day-before reminder falls due at 22:00, inside quiet hours.
    _focus_group(db, rome(2026, 5, 14, 22, 0))
    timer.beat(rome(2026, 5, 13, 22, 0))
    timer.beat(rome(2026, 5, 14, 3, 0))
    assert _reminders(db) == []
    timer.beat(rome(2026, 5, 14, 8, 30))
    assert _reminders(db) == ["utter_event_reminder_day_before"]
    assert queued(db)[0].not_before == rome(2026, 5, 14, 8, 30)


def test_a_morning_event_gets_no_useless_reminder_at_dawn(db: Database, timer: Timer) -> None:
    # At 08:00, two hours before is 06:00 (quiet); by 08:30 the event has begun: nothing is sent.
    _focus_group(db, rome(2026, 5, 14, 8, 0))
    timer.beat(rome(2026, 5, 13, 8, 30))  # the day before: 08:00 was quiet, 08:30 is fine
    assert _reminders(db) == ["utter_event_reminder_day_before"]
    timer.beat(rome(2026, 5, 14, 6, 0))
    timer.beat(rome(2026, 5, 14, 8, 30))
    assert _reminders(db) == ["utter_event_reminder_day_before"]


def test_after_a_restart_the_reminders_still_useful_go_and_the_others_are_dropped(
    db: Database, timer: Timer
) -> None:
    starts = rome(2026, 5, 14, 18, 0)
    _focus_group(db, starts, ("maria", "luca"))
    # Down from Tuesday to Thursday 16:30: the day-before reminder was never sent. Only the
    # two-hours one makes sense now, and it goes at once, to both.
    report = timer.beat(rome(2026, 5, 14, 16, 30))
    assert report.queued["event_reminders"] == 2
    assert _reminders(db, "chat-maria") == ["utter_event_reminder_soon"]
    assert _reminders(db, "chat-luca") == ["utter_event_reminder_soon"]


def test_a_reminder_is_dropped_when_the_event_is_about_to_start_or_over(
    db: Database, timer: Timer
) -> None:
    _focus_group(db, rome(2026, 5, 14, 18, 0), ("maria",))
    timer.beat(rome(2026, 5, 14, 17, 45))  # back up a quarter of an hour before the start
    timer.beat(rome(2026, 5, 14, 19, 0))  # and after it
    assert _reminders(db) == []


def test_a_second_timer_on_the_same_database_stands_by(
    db: Database, context: CampaignContext
) -> None:
    _focus_group(db, rome(2026, 5, 14, 18, 0), ("maria",))
    first, second = Timer(db, context, "one"), Timer(db, context, "two")
    assert first.beat(rome(2026, 5, 13, 18, 0)).held
    assert not second.beat(rome(2026, 5, 13, 18, 0)).held
    assert _reminders(db) == ["utter_event_reminder_day_before"]


def test_a_burst_is_written_in_chunks_and_each_person_gets_it_once(
    db: Database, context: CampaignContext
) -> None:
    names = tuple(f"p{number}" for number in range(7))
    _focus_group(db, rome(2026, 5, 14, 18, 0), names)
    small = Timer(db, context, chunk=3)
    assert small.beat(rome(2026, 5, 13, 18, 0)).queued["event_reminders"] == 7
    assert small.beat(rome(2026, 5, 13, 18, 1)).queued["event_reminders"] == 0
    assert sorted(row.address for row in queued(db)) == sorted(f"chat-{name}" for name in names)
