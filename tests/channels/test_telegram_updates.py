"""Telegram updates in by long polling, as IncomingMessages for the assistant."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Update

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.commands import COMMANDS
from bot.channels.telegram.sender import TelegramSender
from bot.db.database import Database
from bot.messages import AttachmentKind, Channel, IncomingMessage, Location
from bot.settings import Settings
from tests.channels.fake_assistant import RecordingAssistant
from tests.channels.outbox_rows import queue, running, settled, until
from tests.standins.telegram_bot_api import TelegramBotApi

OPERATORS_GROUP = -1001555


class Polling:
    def __init__(self, channel: TelegramChannel, assistant: RecordingAssistant) -> None:
        self.channel = channel
        self.assistant = assistant
        self.operator_updates: list[Update] = []

    async def next_message(self, count: int = 1) -> IncomingMessage:
        await until(lambda: len(self.assistant.received) >= count)
        return self.assistant.received[count - 1]


@pytest.fixture
async def polling(db: Database, telegram_settings: Settings) -> AsyncIterator[Polling]:
    settings = telegram_settings.model_copy(
        update={"telegram_operator_group_ids": [OPERATORS_GROUP]}
    )
    assistant = RecordingAssistant(db)
    operator_updates: list[Update] = []

    async def on_operator_update(update: Update) -> None:
        operator_updates.append(update)

    channel = TelegramChannel(settings, assistant, db, operator_updates=on_operator_update)  # type: ignore[arg-type]
    async with channel:
        await asyncio.wait_for(channel.ready.wait(), 10)
        state = Polling(channel, assistant)
        state.operator_updates = operator_updates
        yield state


async def test_a_text_reaches_the_assistant_as_one_incoming_message(
    polling: Polling, telegram_api: TelegramBotApi
) -> None:
    update = telegram_api.user(4242, first_name="Rosa").says("buongiorno, mi serve aiuto")
    incoming = await polling.next_message()
    assert incoming.channel == Channel.TELEGRAM
    assert (incoming.user_id, incoming.address) == ("4242", "4242")
    assert incoming.text == "buongiorno, mi serve aiuto"
    assert incoming.message_id == str(update["update_id"])
    assert (incoming.first_name, incoming.language_code) == ("Rosa", "it")
    assert incoming.received_at is not None and not incoming.edited


async def test_the_italian_command_menu_is_published_and_polling_replaces_any_webhook(
    polling: Polling, telegram_api: TelegramBotApi
) -> None:
    commands = {command["command"]: command["description"] for command in telegram_api.commands}
    assert list(commands) == list(COMMANDS)
    assert all(commands.values())
    await until(lambda: "getUpdates" in telegram_api.calls)
    assert "deleteWebhook" in telegram_api.calls


@pytest.mark.parametrize(
    ("typed", "payload", "text"),
    [
        ("/start", "/greet", ""),
        ("/segnala@scintille_test_bot", "/report_problem", ""),
        ("/STOP", "/unsubscribe", ""),
        ("/ciao", None, "ciao"),
    ],
)
async def test_commands_are_buttons_and_unknown_ones_plain_words(
    polling: Polling, telegram_api: TelegramBotApi, typed: str, payload: str | None, text: str
) -> None:
    telegram_api.user(7).says(typed)
    incoming = await polling.next_message()
    assert (incoming.payload, incoming.text) == (payload, text)


async def test_photos_voices_stickers_and_positions_arrive_as_what_they_are(
    polling: Polling, telegram_api: TelegramBotApi
) -> None:
    user = telegram_api.user(8)
    user.sends_photo("AgACAgQ-big", caption="la panchina rotta")
    user.sends_voice()
    user.sends_sticker()
    user.shares_location(45.0087, 7.5262)
    photo, voice, sticker, position = [await polling.next_message(n) for n in (1, 2, 3, 4)]
    assert photo.text == "la panchina rotta"
    assert [(a.kind, a.file_id) for a in photo.attachments] == [
        (AttachmentKind.PHOTO, "AgACAgQ-big")
    ]
    assert [a.kind for a in voice.attachments] == [AttachmentKind.VOICE]
    assert [a.kind for a in sticker.attachments] == [AttachmentKind.STICKER]
    assert position.location == Location(45.0087, 7.5262)


async def test_an_edited_message_comes_back_marked_as_edited(
    polling: Polling, telegram_api: TelegramBotApi
) -> None:
    user = telegram_api.user(9)
    first = user.says("a bruno")
    user.edits(first, "a bruino")
    original, edited = await polling.next_message(1), await polling.next_message(2)
    assert (original.text, original.edited) == ("a bruno", False)
    assert (edited.text, edited.edited) == ("a bruino", True)
    assert edited.message_id != original.message_id


async def test_pressing_a_button_sends_its_payload_and_takes_the_buttons_away(
    db: Database, polling: Polling, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    queue(db, "telegram", "10", "Va bene?", buttons=(("Sì", "/affirm"), ("No", "/deny")))
    async with running(db, TelegramSender(telegram_settings)):
        await settled(db)
    (offered,) = telegram_api.sent_to(10)
    telegram_api.user(10).presses(offered, "Sì")
    incoming = await polling.next_message()
    assert (incoming.payload, incoming.text) == ("/affirm", "Sì")
    await until(lambda: bool(telegram_api.edits))
    assert len(telegram_api.answered_callbacks) == 1
    (edit,) = telegram_api.edits
    assert (edit.method, edit.message_id) == ("editMessageReplyMarkup", offered.message_id)
    assert "reply_markup" not in edit.params or not edit.params["reply_markup"]


async def test_a_long_payload_comes_back_whole_from_its_reference(
    db: Database, polling: Polling, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    payload = '/choose{"event_id": "laboratorio-teatro-oppresso-orbassano-2026-12-10"}'
    queue(db, "telegram", "11", "Quale incontro?", buttons=(("Teatro", payload),))
    async with running(db, TelegramSender(telegram_settings)):
        await settled(db)
    telegram_api.user(11).presses(telegram_api.sent_to(11)[0], "Teatro")
    assert (await polling.next_message()).payload == payload


async def test_a_reply_keyboard_tap_is_read_as_its_button(
    db: Database, polling: Polling, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    queue(db, "telegram", "12", "Dove?", request_location=True, buttons=(("Salta", "/deny"),))
    async with running(db, TelegramSender(telegram_settings)):
        await settled(db)
    user = telegram_api.user(12)
    user.says("Salta")
    user.says("salta la corda")
    tap, words = await polling.next_message(1), await polling.next_message(2)
    assert tap.payload == "/deny"
    assert (words.payload, words.text) == (None, "salta la corda")


async def test_groups_are_ignored_except_the_operators_group(
    polling: Polling, telegram_api: TelegramBotApi
) -> None:
    user = telegram_api.user(13)
    user.says("ciao a tutti", chat=telegram_api.group(-1009999))
    user.says("nuova segnalazione?", chat=telegram_api.group(OPERATORS_GROUP))
    user.says("ciao, sono io")
    incoming = await polling.next_message()
    await until(lambda: bool(polling.operator_updates))
    assert incoming.text == "ciao, sono io"
    assert [u.effective_chat.id for u in polling.operator_updates] == [OPERATORS_GROUP]  # type: ignore[union-attr]
    await until(lambda: telegram_api.pending_updates == 0)
    assert [m.text for m in polling.assistant.received] == ["ciao, sono io"]
