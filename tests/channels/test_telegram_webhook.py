"""The Telegram webhook route: Telegram's calls are handled once, anyone else's are refused."""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.webhook import MAX_BODY, telegram_webhook_router
from bot.db.database import Database
from bot.settings import Settings
from tests.channels.fake_assistant import RecordingAssistant
from tests.standins.telegram_bot_api import TelegramBotApi

PUBLIC_URL = "https://scintille.example.org/telegram/webhook"


@dataclass
class Webhook:
    channel: TelegramChannel
    assistant: RecordingAssistant
    client: httpx.AsyncClient

    async def post(self, body: object, secret: str | None = None, raw: bytes | None = None):  # type: ignore[no-untyped-def]
        secret = self.channel.secret_token if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        content = raw if raw is not None else json.dumps(body).encode()
        return await self.client.post(
            "/telegram/webhook",
            content=content,
            headers={**headers, "Content-Type": "application/json"},
        )


@pytest.fixture
async def webhook(db: Database, telegram_settings: Settings) -> AsyncIterator[Webhook]:
    settings = telegram_settings.model_copy(update={"telegram_webhook_url": PUBLIC_URL})
    assistant = RecordingAssistant(db)
    channel = TelegramChannel(settings, assistant, db)  # type: ignore[arg-type]
    app = FastAPI()
    app.include_router(telegram_webhook_router(lambda: channel))
    transport = httpx.ASGITransport(app=app)
    async with channel, httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await asyncio.wait_for(channel.ready.wait(), 10)
        yield Webhook(channel, assistant, client)


async def test_the_webhook_is_registered_with_its_secret_and_nothing_polls(
    webhook: Webhook, telegram_api: TelegramBotApi
) -> None:
    registered = telegram_api.webhook
    assert registered is not None
    assert registered["url"] == PUBLIC_URL
    assert registered["secret_token"] == webhook.channel.secret_token
    assert "getUpdates" not in telegram_api.calls


async def test_an_update_from_telegram_is_handled_once_even_when_delivered_twice(
    webhook: Webhook, telegram_api: TelegramBotApi
) -> None:
    telegram_api.user(21).says("c'è una buca in via Roma")
    update = telegram_api.take_update()
    first = await webhook.post(update)
    again = await webhook.post(update)
    assert (first.status_code, again.status_code) == (200, 200)
    assert [m.text for m in webhook.assistant.received] == ["c'è una buca in via Roma"]


@pytest.mark.parametrize("secret", ["", "not-the-secret"])
async def test_a_call_without_the_secret_is_refused_and_leaves_no_trace(
    webhook: Webhook, telegram_api: TelegramBotApi, secret: str
) -> None:
    telegram_api.user(22).says("ciao")
    response = await webhook.post(telegram_api.take_update(), secret=secret)
    assert response.status_code == 403
    assert webhook.assistant.received == []


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2, 3]", 400),
        (b'{"message": {"text": "no update id"}}', 400),
        (b'{"update_id": 5, "message": "just a string"}', 400),
        (b"\xff\xfe", 400),
    ],
)
async def test_malformed_bodies_get_a_clear_answer(
    webhook: Webhook, raw: bytes, status: int
) -> None:
    response = await webhook.post(None, raw=raw)
    assert response.status_code == status
    assert response.json()["ok"] is False
    assert webhook.assistant.received == []


async def test_a_huge_payload_is_refused_before_it_is_read(webhook: Webhook) -> None:
    update = {"update_id": 9, "message": {"text": "x" * (MAX_BODY + 1)}}
    response = await webhook.post(update)
    assert response.status_code == 413
    assert webhook.assistant.received == []


@pytest.mark.parametrize(
    "kind",
    [
        {
            "poll_answer": {
                "poll_id": "5",
                "option_ids": [0],
                "user": {"id": 1, "is_bot": False, "first_name": "A"},
            }
        },
        {"a_kind_telegram_adds_next_year": {"id": 1}},
    ],
)
async def test_an_update_kind_we_do_not_handle_is_acknowledged_and_ignored(
    webhook: Webhook, kind: dict[str, object]
) -> None:
    response = await webhook.post({"update_id": 31, **kind})
    assert response.status_code == 200
    assert webhook.assistant.received == []
