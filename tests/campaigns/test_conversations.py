"""Campaign questions answered in the conversation, with the real engine, content and NLU: the
check-in answer feeds the indicator and opens a report when the week goes badly, the feedback
is a score and free words, and "stop" is a stop wherever it is said."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import CheckinAnswer, EventFeedback, OutboxMessage, Person, Report
from bot.engine import Assistant
from bot.messages import OutgoingMessage
from bot.nlu import NluPipeline
from bot.services.broadcasts import create_broadcast, send_broadcast
from bot.services.bulk_messages import BulkTexts
from bot.services.campaigns import set_weekly_checkin
from bot.services.outbox import from_payload
from bot.services.quiet_hours import QuietHours
from bot.services.subscriptions import subscribe
from bot.settings import PROJECT_ROOT, Settings
from tests.campaigns.conftest import Timer, booking, coordinator, event, queued, rome
from tests.conversations.conftest import Person as Citizen

MONDAY = rome(2026, 5, 11, 10, 0)


@pytest.fixture
def maria(db: Database, nlu: NluPipeline, settings: Settings) -> Iterator[Citizen]:
    citizen = Citizen(Assistant(db, nlu, PROJECT_ROOT, settings), "maria")
    citizen.accepts_privacy()
    with db.unit_of_work() as session:
        person = session.scalars(select(Person)).one()
        person.first_name = "Maria"
        person.comune = "Orbassano"
        set_weekly_checkin(session, person.id, True)
    yield citizen


def _person(db: Database) -> Person:
    with db.unit_of_work() as session:
        return session.scalars(select(Person)).one()


def test_non_tanto_bene_opens_a_report_and_counts_for_the_indicator(
    db: Database, timer: Timer, maria: Citizen
) -> None:
    timer.beat(MONDAY)
    (checkin,) = [row for row in queued(db, maria.address) if row.response == "utter_checkin"]
    assert checkin.text.startswith("Ciao Maria")
    answer = maria.says("non tanto bene, mi sento sola")
    assert maria.responses() == ["utter_checkin_not_well"]
    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
        recorded = session.scalars(select(CheckinAnswer)).one()
    assert report.reference in answer
    assert (report.category, report.comune, report.text) == (
        "loneliness",
        "Orbassano",
        "non tanto bene, mi sento sola",
    )
    assert (recorded.week, recorded.mood, recorded.lonely) == ("2026-W20", "bad", True)
    # The question no longer waits: the next message is read as any other.
    maria.says("vorrei fare una segnalazione")
    assert "utter_checkin_good" not in maria.responses()


def test_a_tap_on_bene_is_thanked_and_opens_nothing(
    db: Database, timer: Timer, maria: Citizen
) -> None:
    timer.beat(MONDAY)
    maria.seen.extend(_shown(db, maria))
    maria.taps("Bene")
    assert maria.responses() == ["utter_checkin_good"]
    with db.unit_of_work() as session:
        assert session.scalars(select(Report)).all() == []
        assert session.scalars(select(CheckinAnswer.mood)).all() == ["good"]


def test_stop_in_answer_to_the_check_in_stops_everything(
    db: Database, timer: Timer, maria: Citizen
) -> None:
    timer.beat(MONDAY)
    maria.says("stop")
    assert maria.responses() == ["utter_unsubscribed"]
    assert not _person(db).weekly_checkin
    timer.beat(MONDAY + timedelta(days=7))
    assert [row.response for row in queued(db, maria.address)].count("utter_checkin") == 1


def test_feedback_is_a_score_and_free_words(db: Database, timer: Timer, maria: Citizen) -> None:
    starts = rome(2026, 5, 14, 17, 0)
    with db.unit_of_work() as session:
        focus = event(session, starts)
        booking(
            session, focus, session.scalars(select(Person)).one(), at=starts - timedelta(days=3)
        )
    timer.beat(starts + timedelta(hours=3))
    maria.seen.extend(_shown(db, maria))
    maria.taps("4")
    assert maria.responses() == ["utter_ask_feedback_words"]
    maria.says("bello, ma troppo breve")
    assert maria.responses() == ["utter_feedback_thanks"]
    with db.unit_of_work() as session:
        feedback = session.scalars(select(EventFeedback)).one()
    assert (feedback.score, feedback.words) == (4, "bello, ma troppo breve")


def test_a_typed_score_and_nothing_to_add(db: Database, timer: Timer, maria: Citizen) -> None:
    starts = rome(2026, 5, 14, 17, 0)
    with db.unit_of_work() as session:
        focus = event(session, starts)
        booking(
            session, focus, session.scalars(select(Person)).one(), at=starts - timedelta(days=3)
        )
    timer.beat(starts + timedelta(hours=3))
    maria.says("boh")
    assert maria.responses() == ["utter_feedback_score_unclear", "utter_ask_feedback_score"]
    maria.says("direi 5")
    maria.seen.extend(maria.last)
    maria.taps("Niente da aggiungere")
    assert maria.responses() == ["utter_feedback_thanks"]
    with db.unit_of_work() as session:
        feedback = session.scalars(select(EventFeedback)).one()
    assert (feedback.score, feedback.words) == (5, None)


def _shown(db: Database, citizen: Citizen) -> list[OutgoingMessage]:
    """The messages the campaign queued for the person, as their phone shows them."""
    with db.unit_of_work() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.address == citizen.address, OutboxMessage.priority > 0)
            .order_by(OutboxMessage.id)
        )
        return [from_payload(row.payload) for row in rows]


def test_non_voglio_piu_messaggi_in_the_middle_of_a_campaign(
    db: Database, timer: Timer, maria: Citizen, texts: BulkTexts, quiet: QuietHours
) -> None:
    starts = rome(2026, 5, 14, 18, 0)
    night = rome(2026, 5, 10, 22, 0)
    with db.unit_of_work() as session:
        person = session.scalars(select(Person)).one()
        subscribe(session, person.id, ["events"], "Orbassano")
        booking(session, event(session, starts), person, at=night - timedelta(days=2))
        boss = coordinator(session)
        festa = create_broadcast(session, boss, text="Festa", topics=["events"], now=night)
        send_broadcast(session, festa.id, boss, texts, quiet, night)  # waits for the morning
    maria.says("non voglio più messaggi")
    assert maria.responses() == ["utter_unsubscribed"]
    for moment in (MONDAY, starts - timedelta(days=1), starts - timedelta(hours=2)):
        timer.beat(moment)
    waiting = [row for row in queued(db, maria.address) if row.priority > 0]
    assert [row.status for row in waiting] == ["cancelled"]
