"""While an operator talks with a citizen, what the citizen writes goes to the operator."""

from datetime import timedelta

from bot.db.database import Database
from bot.db.models import Report
from bot.messages import Attachment, AttachmentKind
from bot.services import casework, handoff
from bot.services.operator_setup import OperatorSetup
from tests.operators import factories
from tests.operators.conftest import OPERATORS_GROUP
from tests.operators.factories import TUESDAY_10

LATER = TUESDAY_10 + timedelta(minutes=30)


def test_nothing_is_relayed_before_an_operator_writes(db: Database, setup: OperatorSetup) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        report = factories.report(session, setup, maria)
        anna = factories.user(session, "anna", queues=("anziani_disabilita",))
        casework.take_in_charge(session, setup, anna, report.id, LATER)
        assert handoff.active_handoff(session, maria.id) is None


def test_the_citizen_reply_reaches_the_operator_until_the_report_closes(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        report = factories.report(session, setup, maria)
        anna = factories.user(
            session, "anna", queues=("anziani_disabilita",), telegram="555001", display_name="Anna"
        )
        casework.answer(session, setup, anna, report.id, "Le va bene domani alle 10?", LATER)
        photo = Attachment(AttachmentKind.PHOTO, "photo-file-1")
        active = handoff.active_handoff(session, maria.id)
        assert active is not None
        assert handoff.relay_to_operator(
            session, setup, active, maria, "sì, va benissimo", (photo,), now=LATER
        )

    with db.unit_of_work() as session:
        # Anna linked her Telegram: the reply comes to her privately, not to the whole group.
        [notice] = factories.outbox_to(session, "555001")
        assert "sì, va benissimo" in notice.payload["text"]
        assert [b["payload"] for b in notice.payload["buttons"]] == [
            f"op:answer:{report.id}",
            f"op:close:{report.id}",
        ]
        assert all("va benissimo" not in t for t in factories.texts_to(session, OPERATORS_GROUP))
        stored = session.get(Report, report.id)
        assert stored is not None and stored.photo_file_ids == ["photo-file-1"]
        casework.close(session, setup, anna, report.id, "resolved", now=LATER)
        assert handoff.active_handoff(session, maria.id) is None


def test_a_second_operator_writing_takes_the_conversation_over(
    db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        first = factories.report(session, setup, maria)
        second = factories.report(session, setup, maria, "Ho perso il lavoro", category="work")
        anna = factories.user(session, "anna", queues=("anziani_disabilita",))
        carla = factories.user(session, "carla", queues=("lavoro_casa",))
        casework.answer(session, setup, anna, first.id, "Buongiorno", LATER)
        casework.answer(session, setup, carla, second.id, "Buongiorno anche da me", LATER)
        active = handoff.active_handoff(session, maria.id)
        assert active is not None and active.report_id == second.id
