"""The handoff as the citizen lives it: the bot steps aside, relays, and comes back."""

from pathlib import Path

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Person, Report
from bot.engine import Assistant
from bot.messages import Channel, IncomingMessage
from bot.services import casework, people
from bot.services.operator_setup import OperatorSetup
from bot.settings import PROJECT_ROOT, Settings
from tests.engine.fake_nlu import FakeNlu
from tests.operators import factories
from tests.operators.conftest import OPERATORS_GROUP

KEY = "handoff-test-key"


class Citizen:
    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.sent = 0

    def says(self, text: str = "", payload: str | None = None) -> list[str | None]:
        self.sent += 1
        incoming = IncomingMessage(
            channel=Channel.TELEGRAM,
            user_id="1001",
            address="1001",
            text=text,
            payload=payload,
            message_id=f"m{self.sent}",
        )
        return [reply.response for reply in self.assistant.handle(incoming)]


def test_while_an_operator_talks_the_bot_relays_and_returns_when_closed(
    db: Database, setup: OperatorSetup, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        pseudonym_key=KEY,
        demo_data=False,
        telegram_operator_group_ids=[int(OPERATORS_GROUP)],
    )
    maria = Citizen(Assistant(db, FakeNlu(), PROJECT_ROOT, settings))
    maria.says("ciao")
    maria.says(payload="/affirm")
    with db.unit_of_work() as session:
        person = session.scalars(
            select(Person).where(Person.pseudonym == people.pseudonym(KEY, "telegram", "1001"))
        ).one()
        report = factories.report(session, setup, person)
        anna = factories.user(session, "anna", queues=("anziani_disabilita",))
        casework.answer(session, setup, anna, report.id, "Domani la chiamo, va bene?", None)

    assert maria.says("va bene, grazie mille") == []
    # Danger in the middle of a handoff: the emergency answer comes at once, and Anna sees it.
    assert "utter_emergency" in maria.says("mio marito mi picchia")

    with db.unit_of_work() as session:
        relayed = [
            row.payload["text"]
            for row in factories.outbox_to(session, OPERATORS_GROUP)
            if row.payload.get("response") == "utter_operator_citizen_wrote"
        ]
        assert len(relayed) == 2
        assert "va bene, grazie mille" in relayed[0] and "mi picchia" in relayed[1]
        stored = session.get(Report, report.id)
        assert stored is not None
        said = [
            line.text for line in casework.conversation(session, stored) if line.direction == "in"
        ]
        assert said[-2:] == ["va bene, grazie mille", "mio marito mi picchia"]
        casework.close(session, setup, anna, report.id, "resolved")

    assert maria.says("ciao") != []
