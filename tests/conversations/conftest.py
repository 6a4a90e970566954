"""Whole conversations with the real content, the real engine and the real NLU, on both backends.

A `Person` here types as people do and taps the buttons the bot shows; the assertions are what
they would notice: the words of the answer, the reference, the booking, the row an operator
finds in their queue.
"""

import itertools
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Event, Idea, OutboxMessage
from bot.db.types import utcnow
from bot.engine import Assistant
from bot.messages import (
    Attachment,
    AttachmentKind,
    Channel,
    IncomingMessage,
    Location,
    OutgoingMessage,
)
from bot.nlu import NluPipeline
from bot.settings import PROJECT_ROOT, Settings

OPERATOR_GROUPS = [-100111, -100222]
_update_ids = itertools.count(1)


class Person:
    """One person writing to the assistant, as a channel adapter passes their messages on."""

    def __init__(self, assistant: Assistant, user: str = "3401234567") -> None:
        self.assistant = assistant
        self.user = user
        self.last: list[OutgoingMessage] = []
        self.seen: list[OutgoingMessage] = []

    @property
    def address(self) -> str:
        return f"chat-{self.user}"

    def send(self, message: IncomingMessage) -> list[OutgoingMessage]:
        self.last = self.assistant.handle(message)
        self.seen.extend(self.last)
        return self.last

    def _message(self, text: str = "", **fields: object) -> IncomingMessage:
        return IncomingMessage(
            channel=Channel.TELEGRAM,
            user_id=self.user,
            address=self.address,
            text=text,
            message_id=str(next(_update_ids)),
            **fields,  # type: ignore[arg-type]
        )

    def says(self, text: str) -> str:
        """What the bot answers, all its messages of the turn in one text."""
        return self._joined(self.send(self._message(text)))

    def taps(self, title: str) -> str:
        """Tap a button by its title: the newest one shown, as buttons stay on the screen."""
        for reply in reversed(self.seen):
            for button in reply.buttons:
                if button.title == title:
                    return self._joined(self.send(self._message(payload=button.payload)))
        shown = [b.title for r in self.seen for b in r.buttons]
        raise AssertionError(f"no button {title!r} among {shown}")

    def sends_photo(self, file_id: str) -> str:
        photo = Attachment(kind=AttachmentKind.PHOTO, file_id=file_id)
        return self._joined(self.send(self._message(attachments=(photo,))))

    def sends_voice(self) -> str:
        voice = Attachment(kind=AttachmentKind.VOICE, file_id="voice-1")
        return self._joined(self.send(self._message(attachments=(voice,))))

    def sends_location(self, latitude: float, longitude: float) -> str:
        return self._joined(self.send(self._message(location=Location(latitude, longitude))))

    def responses(self) -> list[str | None]:
        return [reply.response for reply in self.last]

    def buttons(self) -> list[str]:
        return [button.title for reply in self.last for button in reply.buttons]

    def accepts_privacy(self) -> None:
        self.says("ciao")
        self.taps("Accetto")

    @staticmethod
    def _joined(replies: list[OutgoingMessage]) -> str:
        return "\n".join(reply.text for reply in replies)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # The actions read the operators' groups from the environment, as in production.
    monkeypatch.setenv("TELEGRAM_OPERATOR_GROUP_IDS", str(OPERATOR_GROUPS))
    return Settings(data_dir=tmp_path / "var", pseudonym_key="test-key", demo_data=False)


@pytest.fixture
def make_assistant(db: Database, nlu: NluPipeline, settings: Settings) -> Callable[[], Assistant]:
    """A new Assistant over the same database, as after a restart of the process."""

    def make() -> Assistant:
        return Assistant(db, nlu, PROJECT_ROOT, settings)

    return make


@pytest.fixture
def assistant(make_assistant: Callable[[], Assistant]) -> Assistant:
    return make_assistant()


@pytest.fixture
def maria(assistant: Assistant) -> Iterator[Person]:
    person = Person(assistant, "maria")
    person.accepts_privacy()
    yield person


@pytest.fixture
def calendar(db: Database) -> dict[str, int]:
    """Next week's focus group in Orbassano (two places) and a theatre workshop in Piossasco."""
    with db.unit_of_work() as session:
        focus = Event(
            kind="focus_group",
            title="Focus group: come si vive a Orbassano",
            comune="Orbassano",
            venue="Biblioteca civica",
            starts_at=utcnow() + timedelta(days=6),
            capacity=2,
        )
        theatre = Event(
            kind="theatre_workshop",
            title="Laboratorio di teatro dell'oppresso",
            comune="Piossasco",
            venue="Sala polivalente",
            starts_at=utcnow() + timedelta(days=9),
            capacity=12,
        )
        session.add_all([focus, theatre])
        session.flush()
        return {"focus": focus.id, "theatre": theatre.id}


@pytest.fixture
def open_ideas(db: Database) -> dict[str, int]:
    with db.unit_of_work() as session:
        garden = Idea(
            title="Orto condiviso alla scuola Gramsci",
            description="Un orto per i bambini e i nonni del quartiere",
            comune="Piossasco",
            open_for_pledges=True,
            goal_cents=150_000,
        )
        session.add(garden)
        session.flush()
        return {"garden": garden.id}


def outbox_to(db: Database, address: str) -> list[OutboxMessage]:
    with db.unit_of_work() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.address == address)
                .order_by(OutboxMessage.id)
            )
        )
