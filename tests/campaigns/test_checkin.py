"""The weekly check-in: Monday at 10 in Rome, to those who asked, once a week, and the question
waits for the answer a day at most."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import CampaignMessage, Conversation, Report
from bot.engine.prompts import is_awaiting
from bot.services.campaigns import CHECKIN_FLOW, checkin_week
from bot.services.checkins import answer_checkin
from bot.services.indicators import BAD, GOOD
from tests.campaigns.conftest import ROME, Timer, citizen, queued, rome

MONDAY = rome(2026, 5, 11, 10, 0)


def _asked_for_it(db: Database, name: str = "maria", **fields: Any) -> int:
    with db.unit_of_work() as session:
        return citizen(session, name, weekly_checkin=True, **fields).id


def test_monday_at_ten_those_who_asked_get_it_by_name(db: Database, timer: Timer) -> None:
    _asked_for_it(db, "maria", first_name="Maria")
    _asked_for_it(db, "nino")
    with db.unit_of_work() as session:
        citizen(session, "luca")  # did not ask
    timer.beat(MONDAY - timedelta(minutes=1))
    assert queued(db) == []
    timer.beat(MONDAY)
    maria, nino = queued(db, "chat-maria"), queued(db, "chat-nino")
    assert len(maria) == len(nino) == 1
    assert maria[0].text.startswith("Ciao Maria")
    assert "questa settimana?" in maria[0].text
    assert nino[0].text.startswith("Ciao")
    assert maria[0].text.endswith("Per non ricevere più messaggi scrivi STOP")
    assert queued(db, "chat-luca") == []


def test_once_a_week(db: Database, timer: Timer) -> None:
    _asked_for_it(db)
    for hours in (0, 1, 5, 30):
        timer.beat(MONDAY + timedelta(hours=hours))
    assert len(queued(db)) == 1
    timer.beat(MONDAY + timedelta(days=7))
    assert len(queued(db)) == 2


def test_monday_at_ten_in_rome_across_both_changes() -> None:
    before_march = checkin_week(datetime(2026, 3, 25, tzinfo=UTC), ROME)
    after_march = checkin_week(datetime(2026, 4, 1, tzinfo=UTC), ROME)
    assert before_march == ("2026-W13", datetime(2026, 3, 23, 9, 0, tzinfo=UTC))  # 10:00 CET
    assert after_march == ("2026-W14", datetime(2026, 3, 30, 8, 0, tzinfo=UTC))  # 10:00 CEST
    after_october = checkin_week(datetime(2026, 10, 28, tzinfo=UTC), ROME)
    assert after_october == ("2026-W44", datetime(2026, 10, 26, 9, 0, tzinfo=UTC))  # 10:00 CET


def test_the_week_is_named_in_rome_on_a_sunday_night(db: Database) -> None:
    # 23:30 on Sunday in Rome is still the week that started on Monday, though UTC agrees here.
    assert checkin_week(rome(2026, 5, 17, 23, 30), ROME)[0] == "2026-W20"
    assert checkin_week(rome(2026, 5, 18, 0, 30), ROME)[0] == "2026-W21"


def test_a_check_in_missed_on_monday_goes_on_tuesday_not_later(db: Database, timer: Timer) -> None:
    _asked_for_it(db, "maria")
    timer.beat(MONDAY + timedelta(days=1))
    assert len(queued(db, "chat-maria")) == 1
    _asked_for_it(db, "luca")
    timer.beat(MONDAY + timedelta(days=3))
    assert queued(db, "chat-luca") == []


def test_the_question_waits_for_the_answer_then_stops_waiting(db: Database, timer: Timer) -> None:
    person_id = _asked_for_it(db)
    timer.beat(MONDAY)
    with db.unit_of_work() as session:
        assert is_awaiting(session, person_id, {CHECKIN_FLOW})
        state = session.scalar(
            select(Conversation.state).where(Conversation.person_id == person_id)
        )
        assert state is not None and state["slots"]["checkin_week"] == "2026-W20"
    timer.beat(MONDAY + timedelta(hours=23))
    with db.unit_of_work() as session:
        assert is_awaiting(session, person_id, {CHECKIN_FLOW})
    timer.beat(MONDAY + timedelta(hours=25))
    with db.unit_of_work() as session:
        assert not is_awaiting(session, person_id, {CHECKIN_FLOW})
        outcome = session.scalar(select(CampaignMessage.outcome))
    assert outcome == "expired"


def test_someone_talking_right_now_is_asked_a_little_later(db: Database, timer: Timer) -> None:
    _asked_for_it(db, last_inbound_at=MONDAY - timedelta(minutes=2))
    timer.beat(MONDAY)
    assert queued(db) == []
    timer.beat(MONDAY + timedelta(minutes=20))
    assert len(queued(db)) == 1


def test_non_bene_opens_a_report_and_bene_does_not(db: Database) -> None:
    maria = _asked_for_it(db, "maria")
    luca = _asked_for_it(db, "luca")
    with db.unit_of_work() as session:
        bad = answer_checkin(
            session,
            maria,
            "2026-W20",
            mood=BAD,
            lonely=True,
            report_text="non tanto bene, mi sento sola",
            category="other",
            urgency="low",
            now=MONDAY,
        )
        good = answer_checkin(
            session,
            luca,
            "2026-W20",
            mood=GOOD,
            lonely=False,
            report_text="bene grazie",
            category="other",
            urgency="low",
            now=MONDAY,
        )
        reports = session.scalars(select(Report)).all()
    assert bad.report is not None and good.report is None
    assert [(r.person_id, r.category, r.urgency, r.comune) for r in reports] == [
        (maria, "loneliness", "medium", "Orbassano")
    ]
    assert reports[0].text == "non tanto bene, mi sento sola"
