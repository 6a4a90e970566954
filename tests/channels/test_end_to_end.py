"""Whole conversations through Telegram and WhatsApp against `antenna serve`, with the real
engine and NLU, the stand-ins playing the platforms."""

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Report
from tests.channels.conftest import VERIFY_TOKEN
from tests.channels.sender_process import database_url
from tests.channels.serve_process import ServeProcess
from tests.standins.graph_api import (
    ACCESS_TOKEN,
    APP_SECRET,
    PHONE_NUMBER_ID,
    VERSION,
    Accepted,
    GraphApi,
    WhatsAppPerson,
    post_webhook,
)
from tests.standins.telegram_bot_api import TOKEN, Sent, TelegramBotApi, TelegramUser

REFERENCE = re.compile(r"\b20\d\d-\d{4}\b")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_env(
    db: Database, request: pytest.FixtureRequest, tmp_path: Path, telegram: TelegramBotApi
) -> dict[str, str]:
    schema = (
        request.getfixturevalue("postgres_schema")
        if db.engine.dialect.name == "postgresql"
        else None
    )
    return {
        "DATABASE_URL": database_url(db, schema),
        "DATA_DIR": str(tmp_path / "var"),
        "DEMO_DATA": "false",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "TELEGRAM_BASE_FILE_URL": telegram.base_file_url,
    }


@pytest.fixture
def served(
    db: Database,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    telegram_api: TelegramBotApi,
    graph_api: GraphApi,
) -> Iterator[ServeProcess]:
    env = serve_env(db, request, tmp_path, telegram_api) | {
        "WHATSAPP_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_ID": PHONE_NUMBER_ID,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_GRAPH_URL": graph_api.base_url,
        "WHATSAPP_GRAPH_VERSION": VERSION,
    }
    with ServeProcess(env, tmp_path / "serve.log") as serve:
        yield serve


class TelegramChat:
    """A person on Telegram, waiting for the bot's answers after each thing they do."""

    def __init__(self, api: TelegramBotApi, user: TelegramUser) -> None:
        self.api = api
        self.user = user
        self.last_update: dict[str, object] = {}

    def answers(self, before: int) -> list[Sent]:
        self.api.wait_for(self.user.id, before + 1, timeout=30)
        return self.api.wait_until_quiet(self.user.id)[before:]

    def _seen(self) -> int:
        return len(self.api.sent_to(self.user.id))

    def say(self, text: str) -> list[Sent]:
        before = self._seen()
        self.last_update = self.user.says(text)
        return self.answers(before)

    def press(self, payload: str) -> list[Sent]:
        before = self._seen()
        offered = next(
            message
            for message in reversed(self.api.sent_to(self.user.id))
            if any(b.get("callback_data") == payload for b in message.inline_buttons())
        )
        title = next(b["text"] for b in offered.inline_buttons() if b["callback_data"] == payload)
        self.user.presses(offered, title)
        return self.answers(before)

    def send_photo(self, file_id: str) -> list[Sent]:
        before = self._seen()
        self.user.sends_photo(file_id)
        return self.answers(before)


def reports(db: Database) -> list[Report]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(Report)))


def test_a_report_told_on_telegram_reaches_the_operators_with_its_photo(
    db: Database, served: ServeProcess, telegram_api: TelegramBotApi
) -> None:
    maria = TelegramChat(telegram_api, telegram_api.user(555, first_name="Maria"))
    notice = maria.say("ciao")
    assert any(b["callback_data"] == "/affirm" for b in notice[-1].inline_buttons())
    maria.press("/affirm")

    extras = maria.say("la panchina del parco giochi di Bruino è rotta")
    keyboard = extras[-1].keyboard_buttons()
    assert keyboard[0].get("request_location") is True
    # Telegram delivers the report message again; the bot must not answer it twice.
    telegram_api.redeliver(maria.last_update)
    assert len(maria.send_photo("AgACAgQ-panchina-rotta")) == 1
    skip = next(button["text"] for button in keyboard if not button.get("request_location"))
    summary = maria.say(skip)
    assert any(b["callback_data"] == "/affirm" for b in summary[-1].inline_buttons())
    done = maria.press("/affirm")

    assert REFERENCE.search(done[-1].text)
    (report,) = reports(db)
    assert report.comune == "Bruino"
    assert report.photo_file_ids == ["AgACAgQ-panchina-rotta"]
    assert REFERENCE.search(done[-1].text).group(0) == report.reference  # type: ignore[union-attr]


class WhatsAppChat:
    def __init__(self, api: GraphApi, person: WhatsAppPerson, webhook_url: str) -> None:
        self.api = api
        self.person = person
        self.url = webhook_url

    def _post(self, payload: dict[str, object]) -> list[Accepted]:
        before = len(self.api.sent_to(self.person.wa_id))
        response = post_webhook(self.url, payload)
        assert response.status_code == 200
        self.api.wait_for(self.person.wa_id, before + 1, timeout=30)
        return self.api.wait_until_quiet(self.person.wa_id)[before:]

    def say(self, text: str) -> list[Accepted]:
        return self._post(self.person.says(text))

    def choose(self, choice_id: str) -> list[Accepted]:
        offered = next(
            message
            for message in reversed(self.api.sent_to(self.person.wa_id))
            if any(choice["id"] == choice_id for choice in message.choices())
        )
        title = next(c["title"] for c in offered.choices() if c["id"] == choice_id)
        return self._post(self.person.chooses(offered, title))


def test_a_report_told_on_whatsapp_reaches_the_operators(
    db: Database, served: ServeProcess, graph_api: GraphApi
) -> None:
    giuseppe = WhatsAppChat(
        graph_api, WhatsAppPerson("393471112233", "Giuseppe"), f"{served.url}/whatsapp/webhook"
    )
    notice = giuseppe.say("buongiorno")
    assert notice[-1].interactive_type == "button"
    assert {c["id"] for c in notice[-1].choices()} >= {"/affirm", "/deny"}
    giuseppe.choose("/affirm")

    answers = giuseppe.say("mia madre ha 85 anni, vive da sola a Volvera e non esce più di casa")
    for _ in range(3):
        if any(c["id"] == "/affirm" for c in answers[-1].choices()):
            break
        answers = giuseppe.say("sì, a Volvera")
    done = giuseppe.choose("/affirm")

    assert graph_api.refused == []
    assert REFERENCE.search(done[-1].text)
    (report,) = reports(db)
    assert report.comune == "Volvera"


def test_telegram_by_webhook_in_the_same_app(
    db: Database,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    telegram_api: TelegramBotApi,
) -> None:
    port = free_port()
    public_url = f"http://127.0.0.1:{port}/telegram/webhook"
    env = serve_env(db, request, tmp_path, telegram_api) | {
        "TELEGRAM_WEBHOOK_URL": public_url,
        "PORT": str(port),
    }
    with ServeProcess(env, tmp_path / "serve.log", port=port):
        telegram_api.wait_until_webhook(public_url)
        update = telegram_api.user(777, first_name="Anna").says("ciao")
        telegram_api.take_update()
        assert telegram_api.post_to_webhook(update, secret_token="forged").status_code == 403
        assert telegram_api.post_to_webhook(update).status_code == 200
        assert telegram_api.post_to_webhook(update).status_code == 200
        (notice,) = telegram_api.wait_until_quiet(777)
        assert any(b["callback_data"] == "/affirm" for b in notice.inline_buttons())
    assert "getUpdates" not in telegram_api.calls
