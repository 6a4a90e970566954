"""Every reply is an outbox row written with the turn; the web chat shows its replies at once."""

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import OutboxMessage, Person
from bot.engine import Assistant
from bot.messages import Button, Channel, OutgoingMessage
from bot.services import outbox
from tests.engine.conftest import Chat


def rows(db: Database) -> list[OutboxMessage]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_telegram_replies_wait_in_the_outbox_for_the_sender(chat: Chat, db: Database) -> None:
    chat.say("ciao")

    [row] = rows(db)
    assert (row.channel, row.address, row.status, row.priority) == (
        "telegram",
        f"chat-{chat.user}",
        "pending",
        0,
    )
    assert outbox.from_payload(row.payload).buttons == (
        Button("Va bene", "/affirm"),
        Button("No grazie", "/deny"),
    )


def test_web_replies_are_shown_at_once_and_not_taken_twice(
    assistant: Assistant, db: Database
) -> None:
    web = Chat(assistant, user="session-1", channel=Channel.WEB)
    web.accept()
    with db.unit_of_work() as session:
        person = session.scalars(select(Person)).one()
        # An operator's answer arrives later, outside any turn.
        outbox.enqueue(session, person, "web", "chat-session-1", OutgoingMessage("Sono Anna."))

    with db.unit_of_work() as session:
        taken = outbox.take_for_web(session, "chat-session-1")
    with db.unit_of_work() as session:
        again = outbox.take_for_web(session, "chat-session-1")

    assert [message.text for message in taken] == ["Sono Anna."]
    assert again == []
    assert all(row.status == "sent" for row in rows(db))


def test_a_message_survives_the_outbox_unchanged() -> None:
    message = OutgoingMessage(
        "Dove?", buttons=(Button("Qui", "/affirm"),), request_location=True, response="utter_x"
    )

    assert outbox.from_payload(outbox.to_payload(message)) == message


def test_emoji_only_gets_what_the_bot_can_do(consented: Chat) -> None:
    assert consented.say("🙏🙏😢") == ["utter_default"]
