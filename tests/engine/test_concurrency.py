"""Messages of one person arriving together: handled one after the other, none lost."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Message, OutboxMessage, Person
from bot.engine import Assistant
from tests.engine.conftest import Chat

MESSAGES = 12


def counted_to(chat: Chat) -> list[str]:
    """Send "conta" MESSAGES times at once; the replies' texts, in any order."""
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda _: chat.send(chat.message("conta")), range(MESSAGES)))
    return sorted(reply.text for batch in replies for reply in batch)


def test_messages_of_one_person_at_the_same_time_update_one_state(
    consented: Chat, db: Database
) -> None:
    texts = counted_to(consented)

    # Each turn saw the state the previous one left: 1, 2, ... with no number twice.
    assert texts == sorted(f"Siamo a {n}." for n in range(1, MESSAGES + 1))
    with db.unit_of_work() as session:
        incoming = session.scalar(
            select(func.count()).select_from(Message).where(Message.direction == "in")
        )
    assert incoming == MESSAGES + 2  # with the greeting and the consent


def test_two_processes_share_the_person_through_the_database(
    consented: Chat, make_assistant: Callable[[], Assistant]
) -> None:
    other_process = Chat(make_assistant(), user=consented.user)

    def send(index: int) -> list[str]:
        chat = consented if index % 2 else other_process
        return [reply.text for reply in chat.send(chat.message("conta"))]

    with ThreadPoolExecutor(max_workers=6) as pool:
        texts = sorted(text for batch in pool.map(send, range(MESSAGES)) for text in batch)

    assert texts == sorted(f"Siamo a {n}." for n in range(1, MESSAGES + 1))


def test_first_messages_at_the_same_time_create_one_person(chat: Chat, db: Database) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda _: chat.say("ciao"), range(MESSAGES)))

    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1
        outbox = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert outbox == sum(len(batch) for batch in replies)
    assert sorted(replies)[-1] == ["utter_privacy_notice"]
