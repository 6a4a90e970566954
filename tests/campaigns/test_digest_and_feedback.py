"""The monthly digest of what is on in each town, and "com'è andato?" after an event."""

from datetime import timedelta

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import CampaignMessage, EventFeedback
from bot.engine.prompts import is_awaiting
from bot.services.campaigns import FEEDBACK_FLOW, record_feedback, score_of
from tests.campaigns.conftest import Timer, booking, citizen, event, queued, rome, subscriber

FIRST = rome(2026, 6, 1, 10, 0)


def _june(db: Database) -> None:
    with db.unit_of_work() as session:
        event(session, rome(2026, 6, 5, 18, 0), title="Teatro dell'oppresso", comune="Piossasco")
        event(session, rome(2026, 6, 12, 17, 0), title="Focus group giovani", comune="Orbassano")
        event(session, rome(2026, 7, 3, 17, 0), title="Festa d'estate", comune="Orbassano")
        subscriber(session, "anna", ["events"], "Orbassano")
        subscriber(session, "bruno", ["events"], None)
        subscriber(session, "carla", ["events"], "Volvera")
        subscriber(session, "dario", ["volunteering"], "Orbassano")


def test_the_digest_lists_the_month_in_the_towns_each_person_follows(
    db: Database, timer: Timer
) -> None:
    _june(db)
    timer.beat(FIRST - timedelta(minutes=1))
    assert queued(db) == []
    timer.beat(FIRST)
    anna, bruno = queued(db, "chat-anna"), queued(db, "chat-bruno")
    assert len(anna) == len(bruno) == 1
    assert "giugno" in anna[0].text
    assert "Focus group giovani" in anna[0].text
    assert "Teatro dell'oppresso" not in anna[0].text
    assert "Festa d'estate" not in anna[0].text  # July
    assert "Piossasco" in bruno[0].text and "Orbassano" in bruno[0].text
    assert anna[0].text.endswith("Per non ricevere più messaggi scrivi STOP")
    # Nothing on in Volvera: no empty digest. Dario follows volunteering only.
    assert queued(db, "chat-carla") == [] and queued(db, "chat-dario") == []
    timer.beat(FIRST + timedelta(hours=3))
    assert len(queued(db)) == 2


def test_the_digest_does_not_go_out_late_in_the_month(db: Database, timer: Timer) -> None:
    _june(db)
    timer.beat(rome(2026, 6, 10, 10, 0))
    assert queued(db) == []


def test_feedback_is_asked_an_hour_after_the_end(db: Database, timer: Timer) -> None:
    starts = rome(2026, 5, 14, 17, 0)
    with db.unit_of_work() as session:
        focus = event(session, starts, ends_at=starts + timedelta(hours=1, minutes=30))
        maria = citizen(session, "maria")
        booking(session, focus, maria, at=starts - timedelta(days=5))
        maria_id, event_id = maria.id, focus.id
    timer.beat(rome(2026, 5, 14, 19, 29))  # it ended at 18:30
    assert queued(db) == []
    timer.beat(rome(2026, 5, 14, 19, 30))
    (asked,) = queued(db)
    assert asked.response == "utter_ask_feedback_score"
    assert "Focus group sul quartiere" in asked.text
    with db.unit_of_work() as session:
        assert is_awaiting(session, maria_id, {FEEDBACK_FLOW})
        record_feedback(
            session, maria_id, event_id, score=4, words="bello", now=starts + timedelta(hours=3)
        )
    with db.unit_of_work() as session:
        feedback = session.scalars(select(EventFeedback)).one()
        outcome = session.scalar(
            select(CampaignMessage.outcome).where(CampaignMessage.campaign == "event_feedback")
        )
    assert (feedback.score, feedback.words, outcome) == (4, "bello", "answered")


def test_an_evening_event_is_asked_about_the_next_morning(db: Database, timer: Timer) -> None:
    starts = rome(2026, 5, 14, 19, 0)
    with db.unit_of_work() as session:
        focus = event(session, starts)  # no end time: taken to last two hours
        booking(session, focus, citizen(session, "maria"), at=starts - timedelta(days=5))
    timer.beat(rome(2026, 5, 14, 22, 0))
    assert [row.response for row in queued(db)] == []
    timer.beat(rome(2026, 5, 15, 8, 30))
    assert [row.response for row in queued(db)] == ["utter_ask_feedback_score"]


def test_scores_as_people_type_them() -> None:
    assert score_of("4") == 4
    assert score_of("un 5 pieno") == 5
    assert score_of("direi quattro") == 4
    assert score_of("5/5") == 5
    assert score_of("3 o 4") is None
    assert score_of("10") is None
    assert score_of("bello") is None
