"""An operator's actions on a report, and what the citizen and the other operators see of them."""

from datetime import timedelta

import pytest
import yaml
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import AuditEntry, Message, Report, TriageCorrection
from bot.services import casework, handoff
from bot.services.accounts import COORDINATOR
from bot.services.casework import CaseworkError, NotVisible
from bot.services.handoff import Reach
from bot.services.operator_setup import OperatorSetup
from tests.operators import factories
from tests.operators.conftest import OPERATORS_GROUP
from tests.operators.factories import TUESDAY_10

LATER = TUESDAY_10 + timedelta(minutes=30)


def test_taking_in_charge_tells_the_citizen_who_and_the_group(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        report = factories.report(session, setup, maria)
        anna = factories.user(session, "anna", queues=("anziani_disabilita",), display_name="Anna")
        casework.take_in_charge(session, setup, anna, report.id, LATER)

    with db.unit_of_work() as session:
        stored = session.get(Report, report.id)
        assert stored is not None
        assert stored.status == "taken"
        assert stored.taken_at == LATER
        citizen = factories.texts_to(session, "chat-maria")
        assert len(citizen) == 1
        assert "Anna" in citizen[0] and report.reference in citizen[0]
        assert factories.responses_to(session, "chat-maria") == ["utter_report_taken"]
        group = factories.texts_to(session, OPERATORS_GROUP)
        assert any("Anna" in text and report.reference in text for text in group)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "take")).one()
        assert (entry.actor, entry.report_id, entry.created_at) == ("anna", report.id, LATER)


def test_a_report_taken_by_someone_else_cannot_be_taken_again(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        report = factories.report(session, setup, factories.person(session))
        anna = factories.user(session, "anna", queues=("anziani_disabilita",), display_name="Anna")
        bruno = factories.user(session, "bruno", queues=("anziani_disabilita",))
        casework.take_in_charge(session, setup, anna, report.id, LATER)
        with pytest.raises(CaseworkError, match="Anna"):
            casework.take_in_charge(session, setup, bruno, report.id, LATER)


def test_an_operator_of_another_queue_can_do_nothing_with_the_report(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        report = factories.report(session, setup, factories.person(session))
        assert report.queue == "anziani_disabilita"
        outsider = factories.user(session, "carla", queues=("lavoro_casa",))
        leader = factories.user(session, "dario", role="community_leader")
        for someone in (outsider, leader):
            with pytest.raises(NotVisible):
                casework.take_in_charge(session, setup, someone, report.id, LATER)
            with pytest.raises(NotVisible):
                casework.answer(session, setup, someone, report.id, "Buongiorno", LATER)
            with pytest.raises(NotVisible):
                casework.add_note(session, someone, report.id, "nota", LATER)
            with pytest.raises(NotVisible):
                casework.close(session, setup, someone, report.id, "resolved", now=LATER)
        assert session.get(Report, report.id).status == "new"  # type: ignore[union-attr]


def test_an_answer_reaches_the_citizen_on_their_channel_and_opens_the_handoff(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        report = factories.report(session, setup, maria)
        anna = factories.user(session, "anna", queues=("anziani_disabilita",), display_name="Anna")
        reach = casework.answer(
            session, setup, anna, report.id, "Buongiorno, domani la chiamo io.", LATER
        )

    assert reach is Reach.SENT
    with db.unit_of_work() as session:
        rows = factories.outbox_to(session, "chat-maria")
        assert [row.channel for row in rows] == ["telegram", "telegram"]
        # Answering a new report takes it in charge first, so the person hears that too.
        assert [row.payload["response"] for row in rows] == [
            "utter_report_taken",
            "utter_operator_answer",
        ]
        assert "Buongiorno, domani la chiamo io." in rows[1].payload["text"]
        assert "Anna" in rows[1].payload["text"]
        assert handoff.active_handoff(session, maria.id) is not None
        lines = casework.conversation(session, session.get(Report, report.id))  # type: ignore[arg-type]
        assert [(line.direction, line.author) for line in lines] == [("out", ""), ("out", "Anna")]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "answer")).one()
        # The log says how long the answer was, never what it said.
        assert "domani" not in str(entry.detail)


def test_a_note_is_never_sent(db: Database, setup: OperatorSetup) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        report = factories.report(session, setup, maria)
        anna = factories.user(session, "anna", queues=("anziani_disabilita",))
        casework.add_note(session, anna, report.id, "Il figlio vive a Torino, sentire lui", LATER)

    with db.unit_of_work() as session:
        assert factories.outbox_to(session, "chat-maria") == []
        assert all("figlio" not in text for text in factories.texts_to(session, OPERATORS_GROUP))
        assert session.scalars(select(Message)).all() == []
        [(note, author)] = casework.notes(session, report.id)
        assert note.text.startswith("Il figlio") and author == "Anna"


def test_reassigning_hands_over_to_the_other_queue(db: Database, setup: OperatorSetup) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        report = factories.report(session, setup, maria)
        anna = factories.user(session, "anna", queues=("anziani_disabilita",))
        casework.answer(session, setup, anna, report.id, "La sento domani", LATER)
        casework.reassign(session, setup, anna, report.id, "lavoro_casa", LATER)

    with db.unit_of_work() as session:
        moved = session.get(Report, report.id)
        assert moved is not None
        assert (moved.queue, moved.status, moved.taken_at) == ("lavoro_casa", "new", None)
        assert handoff.active_handoff(session, maria.id) is None
        assert factories.responses_to(session, "chat-maria")[-1] == "utter_report_reassigned"
        # The new queue is alerted as for a new report; Anna may no longer open it.
        assert factories.responses_to(session, OPERATORS_GROUP)[-1] == "utter_operator_alert_new"
        with pytest.raises(NotVisible):
            casework.visible_report(session, anna, report.id)


def test_closing_tells_the_citizen_and_gives_them_back_to_the_bot(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        report = factories.report(session, setup, maria)
        anna = factories.user(session, "anna", queues=("anziani_disabilita",))
        casework.answer(session, setup, anna, report.id, "La sento domani", LATER)
        casework.close(session, setup, anna, report.id, "referred", "Passata al SAD", LATER)
        with pytest.raises(CaseworkError):
            casework.answer(session, setup, anna, report.id, "ancora", LATER)

    with db.unit_of_work() as session:
        closed = session.get(Report, report.id)
        assert closed is not None
        assert (closed.status, closed.outcome, closed.closed_at) == ("closed", "referred", LATER)
        assert handoff.active_handoff(session, maria.id) is None
        last = factories.outbox_to(session, "chat-maria")[-1]
        assert last.payload["response"] == "utter_report_closed"
        assert report.reference in last.payload["text"]
        assert "Passata al SAD" not in last.payload["text"]


def test_whatsapp_answers_after_a_day_of_silence_go_through_the_invitation(
    db: Database, setup: OperatorSetup
) -> None:
    two_days_ago = TUESDAY_10 - timedelta(days=2)
    with db.unit_of_work() as session:
        opted = factories.person(
            session, "ida", "whatsapp", last_inbound_at=two_days_ago, template_opt_in=True
        )
        silent = factories.person(session, "ugo", "whatsapp", last_inbound_at=two_days_ago)
        recent = factories.person(session, "eva", "whatsapp")
        anna = factories.user(session, "anna", queues=("anziani_disabilita",))
        reaches = [
            casework.answer(
                session, setup, anna, factories.report(session, setup, who).id, "Ciao", LATER
            )
            for who in (opted, silent, recent)
        ]
        assert reaches == [Reach.INVITED, Reach.WAITING, Reach.SENT]
        # Queued all the same: the WhatsApp sender applies the window and sends the template.
        assert factories.responses_to(session, "chat-ida")[-1] == "utter_operator_answer"


def test_corrections_move_the_report_and_export_as_training_examples(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        report = factories.report(
            session, setup, factories.person(session), "Ho perso il lavoro e non pago l'affitto"
        )
        coordinator = factories.user(session, "zoe", role=COORDINATOR)
        casework.correct_triage(
            session, setup, coordinator, report.id, category="housing", urgency="medium", now=LATER
        )

    with db.unit_of_work() as session:
        corrected = session.get(Report, report.id)
        assert corrected is not None
        assert (corrected.category, corrected.queue) == ("housing", "lavoro_casa")
        [correction] = session.scalars(select(TriageCorrection)).all()
        assert (correction.field, correction.old_value, correction.new_value) == (
            "category",
            "elderly_care",
            "housing",
        )
        exported = yaml.safe_load(casework.export_corrections(session))
    assert exported["version"] == "3.1"
    [block] = exported["nlu"]
    assert block["intent"] == "report_problem"
    assert block["examples"] == [
        {
            "text": "Ho perso il lavoro e non pago l'affitto\n",
            "metadata": {"category": "housing", "urgency": "medium"},
        }
    ]
