"""`/annuncio` written privately to the bot, through the Telegram Bot API stand-in."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import select

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.sender import TelegramSender
from bot.db.database import Database
from bot.db.models import Broadcast, Person
from bot.db.types import utcnow
from bot.services import accounts
from bot.services.broadcasts import set_leader_reach
from bot.services.subscriptions import subscribe
from tests.channels.fake_assistant import RecordingAssistant
from tests.channels.outbox_rows import running, until
from tests.operators import factories
from tests.operators.test_telegram_group import settings_for
from tests.standins.telegram_bot_api import TelegramBotApi

LUCIA = 5151
ANNA = 4242
STRANGER = 7777


def seed(db: Database) -> None:
    """Lucia leads events in Orbassano; three people subscribed, one of them in Volvera."""
    with db.unit_of_work() as session:
        factories.user(session, "lucia", accounts.COMMUNITY_LEADER, telegram=str(LUCIA))
        set_leader_reach(session, factories.user_row(session, "lucia"), ["Orbassano"], ["events"])
        factories.user(session, "anna", queues=("anziani_disabilita",), telegram=str(ANNA))
        for name, town in (("gina", "Orbassano"), ("piero", None), ("carla", "Volvera")):
            person = Person(
                channel="telegram",
                pseudonym=f"pseudo-{name}",
                address=f"90{len(name)}{name}",
                consent_at=utcnow(),
                last_inbound_at=utcnow(),
            )
            session.add(person)
            session.flush()
            subscribe(session, person.id, ["events"], town)


@asynccontextmanager
async def bot(
    db: Database, api: TelegramBotApi, tmp_path: Path, approval: bool = True
) -> AsyncIterator[RecordingAssistant]:
    settings = settings_for(api, tmp_path).model_copy(
        update={"broadcast_approval_required": approval}
    )
    citizens = RecordingAssistant(db)
    channel = TelegramChannel(settings, citizens, db)  # type: ignore[arg-type]
    async with running(db, TelegramSender(settings)), channel:
        await asyncio.wait_for(channel.ready.wait(), 10)
        yield citizens


def drafts(db: Database) -> list[Broadcast]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(Broadcast).order_by(Broadcast.id)))


async def test_a_leader_drafts_an_announcement_for_their_towns(
    db: Database, tmp_path: Path
) -> None:
    seed(db)
    with TelegramBotApi() as api:
        async with bot(db, api, tmp_path) as citizens:
            api.user(LUCIA, "Lucia").says("/annuncio Sabato alle 16 merenda in piazza, venite!")
            await until(lambda: bool(api.sent_to(LUCIA)))
            [reply] = api.sent_to(LUCIA)

    [draft] = drafts(db)
    assert draft.towns == ["Orbassano"] and draft.topics == ["events"]
    assert draft.text == "Sabato alle 16 merenda in piazza, venite!"
    assert draft.status == "awaiting_approval" and draft.author == "lucia"
    # Gina in Orbassano and Piero, who wants every town's events; not Carla in Volvera.
    assert "riceverebbero oggi: 2" in reply.text
    assert "Orbassano" in reply.text and "approvazione di un coordinatore" in reply.text
    assert reply.inline_buttons() == []
    assert citizens.received == []


async def test_without_approval_the_leader_sends_it_with_the_button(
    db: Database, tmp_path: Path
) -> None:
    seed(db)
    with TelegramBotApi() as api:
        async with bot(db, api, tmp_path, approval=False):
            lucia = api.user(LUCIA, "Lucia")
            lucia.says("/annuncio Sabato merenda in piazza")
            await until(lambda: bool(api.sent_to(LUCIA)))
            [reply] = api.sent_to(LUCIA)
            assert "riceveranno: 2" in reply.text
            assert [button["text"] for button in reply.inline_buttons()] == ["Invia", "Annulla"]
            lucia.presses(reply, "Invia")
            await until(lambda: bool(api.answered_callbacks))
            assert "2 persone" in api.answered_callbacks[0]["text"]

    [sent] = drafts(db)
    assert (sent.status, sent.recipients) == ("queued", 2)


async def test_the_leader_can_cancel_the_draft(db: Database, tmp_path: Path) -> None:
    seed(db)
    with TelegramBotApi() as api:
        async with bot(db, api, tmp_path, approval=False):
            lucia = api.user(LUCIA, "Lucia")
            lucia.says("/annuncio Sabato merenda in piazza")
            await until(lambda: bool(api.sent_to(LUCIA)))
            lucia.presses(api.sent_to(LUCIA)[0], "Annulla")
            await until(lambda: bool(api.answered_callbacks))
            assert "annullato" in api.answered_callbacks[0]["text"]

    [cancelled] = drafts(db)
    assert cancelled.status == "cancelled"


async def test_an_operator_or_a_stranger_is_refused(db: Database, tmp_path: Path) -> None:
    seed(db)
    with TelegramBotApi() as api:
        async with bot(db, api, tmp_path) as citizens:
            api.user(ANNA, "Anna").says("/annuncio Festa per tutti")
            api.user(STRANGER, "Ugo").says("/annuncio Festa per tutti")
            await until(lambda: bool(api.sent_to(ANNA)) and bool(api.sent_to(STRANGER)))
            replies = [api.sent_to(ANNA)[0].text, api.sent_to(STRANGER)[0].text]

    assert all("referenti di comunità e i coordinatori" in text for text in replies)
    assert drafts(db) == []
    assert citizens.received == []


async def test_without_a_text_the_leader_reads_how_to_write_it(
    db: Database, tmp_path: Path
) -> None:
    seed(db)
    with TelegramBotApi() as api:
        async with bot(db, api, tmp_path):
            api.user(LUCIA, "Lucia").says("/annuncio")
            await until(lambda: bool(api.sent_to(LUCIA)))
            [reply] = api.sent_to(LUCIA)

    assert "Scrivi così: /annuncio" in reply.text
    assert drafts(db) == []
