"""The operators' group flow through the Telegram Bot API stand-in: alert, buttons, commands."""

import asyncio
from pathlib import Path

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.sender import TelegramSender
from bot.db.database import Database
from bot.db.models import Person, Report
from bot.db.types import utcnow
from bot.services.operator_alerts import alert_new_report
from bot.services.operator_setup import OperatorSetup
from bot.settings import Settings
from tests.channels.fake_assistant import RecordingAssistant
from tests.channels.outbox_rows import running, until
from tests.operators import factories
from tests.operators.conftest import OPERATORS_GROUP
from tests.standins.telegram_bot_api import TOKEN, TelegramBotApi

GROUP = int(OPERATORS_GROUP)
MARIA = 2002
ANNA = 4242


def settings_for(api: TelegramBotApi, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "var",
        pseudonym_key="test-key",
        demo_data=False,
        telegram_bot_token=TOKEN,
        telegram_base_url=api.base_url,
        telegram_base_file_url=api.base_file_url,
        telegram_operator_group_ids=[GROUP],
    )


def seed(db: Database, setup: OperatorSetup) -> Report:
    with db.unit_of_work() as session:
        maria = Person(
            channel="telegram",
            pseudonym="pseudo-maria",
            address=str(MARIA),
            consent_at=utcnow(),
            last_inbound_at=utcnow(),
        )
        session.add(maria)
        session.flush()
        report = factories.report(session, setup, maria, now=utcnow())
        factories.user(
            session, "anna", queues=("anziani_disabilita",), telegram=str(ANNA), display_name="Anna"
        )
        alert_new_report(session, report, setup)
        return report


async def test_an_operator_takes_answers_and_closes_from_telegram(
    db: Database, tmp_path: Path
) -> None:
    with TelegramBotApi() as api:
        settings = settings_for(api, tmp_path)
        setup = OperatorSetup.load(settings)
        report = seed(db, setup)
        citizens = RecordingAssistant(db)
        channel = TelegramChannel(settings, citizens, db)  # type: ignore[arg-type]
        anna = api.user(ANNA, first_name="Anna")
        async with running(db, TelegramSender(settings)), channel:
            await asyncio.wait_for(channel.ready.wait(), 10)
            await until(lambda: bool(api.sent_to(GROUP)))
            [alert] = api.sent_to(GROUP)
            assert report.reference in alert.text
            titles = [button["text"] for button in alert.inline_buttons()]
            assert titles == ["✋ Prendo in carico", "✍️ Rispondi", "↪️ Riassegna", "✅ Chiudi"]

            anna.presses(alert, "✋ Prendo in carico")
            await until(lambda: bool(api.answered_callbacks))
            assert report.reference in api.answered_callbacks[0]["text"]
            await until(lambda: bool(api.sent_to(MARIA)))
            assert "Anna" in api.sent_to(MARIA)[0].text

            anna.says(f"/rispondi {report.reference} Buongiorno, la chiamo oggi", api.group(GROUP))
            await until(lambda: len(api.sent_to(MARIA)) == 2)
            assert "Buongiorno, la chiamo oggi" in api.sent_to(MARIA)[1].text

            anna.presses(alert, "✅ Chiudi")
            await until(lambda: bool(api.sent_to(ANNA)))
            [choice] = api.sent_to(ANNA)
            anna.presses(choice, "Risolta")
            await until(lambda: len(api.sent_to(MARIA)) == 3)
            assert report.reference in api.sent_to(MARIA)[2].text

    assert citizens.received == []
    with db.unit_of_work() as session:
        closed = session.get(Report, report.id)
        assert closed is not None and (closed.status, closed.outcome) == ("closed", "resolved")
