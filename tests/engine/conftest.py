"""The engine's tests run its own small content (fixtures/), on SQLite and on PostgreSQL."""

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.engine import Assistant
from bot.messages import (
    Attachment,
    AttachmentKind,
    Channel,
    IncomingMessage,
    Location,
    OutgoingMessage,
)
from bot.settings import Settings
from tests.engine.fake_nlu import FakeNlu

FIXTURES = Path(__file__).parent / "fixtures"
ACTIONS = "tests.engine.fixtures.actions"

_update_ids = itertools.count(1)


class Chat:
    """One person writing to the assistant, as a channel adapter would pass their messages."""

    def __init__(
        self, assistant: Assistant, user: str = "1001", channel: Channel = Channel.TELEGRAM
    ):
        self.assistant = assistant
        self.user = user
        self.channel = channel

    def message(self, text: str = "", **fields: object) -> IncomingMessage:
        fields.setdefault("message_id", str(next(_update_ids)))
        return IncomingMessage(
            channel=self.channel,
            user_id=self.user,
            address=f"chat-{self.user}",
            text=text,
            **fields,  # type: ignore[arg-type]
        )

    def send(self, message: IncomingMessage) -> list[OutgoingMessage]:
        return self.assistant.handle(message)

    def say(self, text: str, **fields: object) -> list[str | None]:
        """The names of the responses the bot answered with."""
        return [reply.response for reply in self.send(self.message(text, **fields))]

    def press(self, payload: str) -> list[str | None]:
        return [reply.response for reply in self.send(self.message("", payload=payload))]

    def photo(self, file_id: str, caption: str = "") -> list[str | None]:
        attachment = Attachment(kind=AttachmentKind.PHOTO, file_id=file_id)
        return self.say(caption, attachments=(attachment,))

    def location(self, latitude: float, longitude: float) -> list[str | None]:
        return self.say("", location=Location(latitude, longitude))

    def accept(self) -> None:
        """Say hello and accept the privacy notice, as everyone does first."""
        self.say("ciao")
        self.press("/affirm")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", pseudonym_key="test-key", demo_data=False)


@pytest.fixture
def nlu() -> FakeNlu:
    return FakeNlu()


@pytest.fixture
def make_assistant(db: Database, nlu: FakeNlu, settings: Settings) -> Callable[[], Assistant]:
    """A new Assistant over the same database, as after a restart of the process."""

    def make() -> Assistant:
        return Assistant(db, nlu, FIXTURES, settings, actions_package=ACTIONS)

    return make


@pytest.fixture
def assistant(make_assistant: Callable[[], Assistant]) -> Assistant:
    return make_assistant()


@pytest.fixture
def chat(assistant: Assistant) -> Chat:
    return Chat(assistant)


@pytest.fixture
def consented(chat: Chat) -> Iterator[Chat]:
    chat.accept()
    yield chat
