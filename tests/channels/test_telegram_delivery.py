"""Outbox rows delivered to the Telegram stand-in: order, limits, blocked people, crashes."""

from datetime import timedelta

from sqlalchemy import update

from bot.channels.telegram.sender import TelegramSender
from bot.db.database import Database
from bot.db.models import OutboxMessage, Person
from bot.db.types import utcnow
from bot.delivery.worker import WorkerOptions
from bot.messages import Location
from bot.settings import Settings
from tests.channels.outbox_rows import FAST, add_person, queue, rows, running, settled, until
from tests.standins.telegram_bot_api import Flood, TelegramBotApi, utf16_length


async def test_each_chat_gets_its_messages_in_order(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    for n in range(3):
        queue(db, "telegram", "101", f"primo {n}")
        queue(db, "telegram", "202", f"secondo {n}")
    async with running(db, TelegramSender(telegram_settings)):
        assert set((await settled(db)).values()) == {"sent"}
    assert [m.text for m in telegram_api.sent_to(101)] == ["primo 0", "primo 1", "primo 2"]
    assert [m.text for m in telegram_api.sent_to(202)] == ["secondo 0", "secondo 1", "secondo 2"]


async def test_a_long_text_arrives_in_pieces_with_the_buttons_under_the_last(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    paragraph = "Una frase che si ripete perché il messaggio sia lungo davvero. 🙂 " * 40
    text = "\n\n".join([paragraph] * 4)
    queue(db, "telegram", "101", text, buttons=(("Sì", "/affirm"), ("No", "/deny")))
    async with running(db, TelegramSender(telegram_settings)):
        assert set((await settled(db)).values()) == {"sent"}
    received = telegram_api.sent_to(101)
    assert len(received) > 1
    assert all(utf16_length(message.text) <= 4096 for message in received)
    assert " ".join(m.text for m in received).split() == text.split()
    assert [m.reply_markup is not None for m in received] == [False] * (len(received) - 1) + [True]
    buttons = [(b["text"], b["callback_data"]) for b in received[-1].inline_buttons()]
    assert buttons == [("Sì", "/affirm"), ("No", "/deny")]


async def test_a_payload_too_long_for_telegram_travels_as_a_reference(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    payload = '/choose{"event_id": "laboratorio-teatro-oppresso-orbassano-2026-12-10"}'
    row_id = queue(db, "telegram", "101", "Quale?", buttons=(("Teatro", payload),))
    async with running(db, TelegramSender(telegram_settings)):
        assert set((await settled(db)).values()) == {"sent"}
    (button,) = telegram_api.sent_to(101)[0].inline_buttons()
    assert button["callback_data"] == f"#{row_id}:0"


async def test_asking_for_a_position_shows_the_location_keyboard(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    queue(db, "telegram", "101", "Dove?", request_location=True, buttons=(("Salta", "/deny"),))
    async with running(db, TelegramSender(telegram_settings)):
        await settled(db)
    (message,) = telegram_api.sent_to(101)
    keyboard = message.keyboard_buttons()
    assert keyboard[0]["request_location"] is True
    assert "posizione" in keyboard[0]["text"]
    assert keyboard[1]["text"] == "Salta"


async def test_a_place_arrives_as_a_location_after_its_text(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    queue(db, "telegram", "101", "Ci vediamo qui", location=Location(45.0071, 7.5213))
    async with running(db, TelegramSender(telegram_settings)):
        await settled(db)
    text, location = telegram_api.sent_to(101)
    assert text.method == "sendMessage" and location.method == "sendLocation"
    assert (location.params["latitude"], location.params["longitude"]) == (45.0071, 7.5213)


async def test_a_person_who_blocked_the_bot_is_marked_and_never_tried_again(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    person = add_person(db, "telegram", "303")
    telegram_api.block(303)
    first = queue(db, "telegram", "303", "uno", person_id=person)
    second = queue(db, "telegram", "303", "due", person_id=person)
    async with running(db, TelegramSender(telegram_settings)):
        await settled(db)
        later = queue(db, "telegram", "303", "tre", person_id=person)
        await settled(db)
    assert {rows(db)[i].status for i in (first, second, later)} == {"blocked"}
    assert telegram_api.calls.count("sendMessage") == 1
    with db.unit_of_work() as session:
        assert session.get_one(Person, person).blocked_at is not None


async def test_flood_control_is_honoured_and_the_order_kept(
    db: Database, telegram_settings: Settings
) -> None:
    # A stricter Telegram than the sender expects: one message at a time in a chat.
    with TelegramBotApi(flood=Flood(chat_burst=1, chat_per_second=2.0)) as strict:
        settings = telegram_settings.model_copy(update={"telegram_base_url": strict.base_url})
        for n in range(4):
            queue(db, "telegram", "101", f"messaggio {n}")
        async with running(db, TelegramSender(settings)):
            assert set((await settled(db)).values()) == {"sent"}
        assert strict.too_many_requests >= 1
        assert [m.text for m in strict.sent_to(101)] == [f"messaggio {n}" for n in range(4)]


async def test_server_errors_are_retried_until_the_message_goes(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    telegram_api.fail_next(502, 500)
    row_id = queue(db, "telegram", "101", "ci riprovo")
    async with running(db, TelegramSender(telegram_settings)):
        await settled(db)
    assert [m.text for m in telegram_api.sent_to(101)] == ["ci riprovo"]
    assert rows(db)[row_id].attempts == 2


async def test_a_reply_overtakes_a_running_broadcast(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    settings = telegram_settings.model_copy(update={"telegram_messages_per_second": 25.0})
    for n in range(120):
        queue(db, "telegram", str(1000 + n), "Avviso: festa in piazza sabato", priority=10)
    async with running(db, TelegramSender(settings)):
        await until(lambda: len(telegram_api.sent) >= 20)
        queue(db, "telegram", "999", "Risposta a chi scrive adesso", priority=0)
        await until(lambda: bool(telegram_api.sent_to(999)))
        position = [m.chat_id for m in telegram_api.sent].index(999)
        await settled(db)
    assert position <= 22
    assert len(telegram_api.sent) == 121


async def test_a_row_left_mid_call_by_a_dead_sender_is_never_sent_again(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    abandoned = queue(db, "telegram", "101", "forse è partito")
    with db.unit_of_work() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == abandoned)
            .values(status="sending", claimed_at=utcnow() - timedelta(minutes=5))
        )
    after = queue(db, "telegram", "101", "il messaggio dopo")
    async with running(db, TelegramSender(telegram_settings)):
        await settled(db)
    assert rows(db)[abandoned].status == "uncertain"
    assert rows(db)[after].status == "sent"
    assert [m.text for m in telegram_api.sent_to(101)] == ["il messaggio dopo"]


async def test_a_chat_waits_while_another_sender_holds_its_older_row(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    in_flight = queue(db, "telegram", "101", "in volo altrove")
    with db.unit_of_work() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == in_flight)
            .values(status="sending", claimed_at=utcnow())
        )
    queue(db, "telegram", "101", "aspetto il mio turno")
    queue(db, "telegram", "202", "io passo")
    async with running(db, TelegramSender(telegram_settings)):
        await until(lambda: bool(telegram_api.sent_to(202)))
        assert telegram_api.sent_to(101) == []


async def test_two_senders_on_one_database_never_send_a_row_twice(
    db: Database, telegram_api: TelegramBotApi, telegram_settings: Settings
) -> None:
    settings = telegram_settings.model_copy(update={"telegram_messages_per_second": 14.0})
    for n in range(60):
        queue(db, "telegram", str(5000 + n), f"ciao {n}", priority=5)
    options = WorkerOptions(idle_seconds=0.01, backoff_seconds=0.2)
    async with (
        running(db, TelegramSender(settings), options),
        running(db, TelegramSender(settings), FAST),
    ):
        assert set((await settled(db, timeout=30)).values()) == {"sent"}
    chats = [m.chat_id for m in telegram_api.sent]
    assert sorted(chats) == [5000 + n for n in range(60)]
