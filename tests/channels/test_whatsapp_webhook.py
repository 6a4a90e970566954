"""The WhatsApp webhook: Meta's handshake, signed notifications in, forged ones refused."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from bot.channels.whatsapp.webhook import MAX_BODY, whatsapp_webhook_router
from bot.db.database import Database
from bot.db.models import ProcessedUpdate
from bot.messages import AttachmentKind, Channel, Location
from bot.settings import Settings
from tests.channels.conftest import VERIFY_TOKEN
from tests.channels.fake_assistant import RecordingAssistant
from tests.standins.graph_api import WhatsAppPerson, signature

WA_ID = "393471234567"


@dataclass
class Webhook:
    assistant: RecordingAssistant
    client: httpx.AsyncClient

    async def notify(
        self, payload: object, *, signed: bool = True, raw: bytes | None = None
    ) -> httpx.Response:
        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signed:
            headers["X-Hub-Signature-256"] = signature(body)
        return await self.client.post("/whatsapp/webhook", content=body, headers=headers)


@pytest.fixture
async def webhook(db: Database, whatsapp_settings: Settings) -> AsyncIterator[Webhook]:
    assistant = RecordingAssistant(db)
    app = FastAPI()
    app.include_router(whatsapp_webhook_router(whatsapp_settings, assistant, db))  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Webhook(assistant, client)


async def test_the_verification_handshake_echoes_the_challenge(webhook: Webhook) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    response = await webhook.client.get("/whatsapp/webhook", params=query)
    assert (response.status_code, response.text) == (200, "1158201444")


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
async def test_a_wrong_handshake_is_refused(webhook: Webhook, query: dict[str, str]) -> None:
    response = await webhook.client.get("/whatsapp/webhook", params=query)
    assert response.status_code == 403
    assert "1" not in response.text.replace("403", "")


async def test_a_text_becomes_one_incoming_message_and_a_retry_is_handled_once(
    db: Database, webhook: Webhook
) -> None:
    payload = WhatsAppPerson(WA_ID, name="Giuseppe").says("Buongiorno, mia madre è sola")
    assert (await webhook.notify(payload)).status_code == 200
    assert (await webhook.notify(payload)).status_code == 200
    (incoming,) = webhook.assistant.received
    assert incoming.channel == Channel.WHATSAPP
    assert (incoming.user_id, incoming.address) == (WA_ID, WA_ID)
    assert incoming.text == "Buongiorno, mia madre è sola"
    assert incoming.first_name == "Giuseppe"
    message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert incoming.message_id == message_id


async def test_buttons_lists_positions_and_media_arrive_as_what_they_are(
    webhook: Webhook,
) -> None:
    person = WhatsAppPerson(WA_ID)
    for payload in (
        person.taps_button("/affirm", "Sì"),
        person.picks_from_list('/inform{"comune": "Bruino"}', "Bruino"),
        person.shares_location(45.0203, 7.4650, name="Piazza", address="Piazza Municipio 1"),
        person.sends_photo("1479537139650973", caption="il lampione"),
        person.sends_voice(),
        person.sends_sticker(),
        person.sends_unsupported(),
    ):
        assert (await webhook.notify(payload)).status_code == 200
    button, choice, position, photo, voice, sticker, unknown = webhook.assistant.received
    assert (button.payload, button.text) == ("/affirm", "Sì")
    assert choice.payload == '/inform{"comune": "Bruino"}'
    assert position.location == Location(45.0203, 7.4650, "Piazza Municipio 1")
    assert photo.text == "il lampione"
    assert [(a.kind, a.file_id) for a in photo.attachments] == [
        (AttachmentKind.PHOTO, "1479537139650973")
    ]
    assert [a.kind for a in voice.attachments] == [AttachmentKind.VOICE]
    assert [a.kind for a in sticker.attachments] == [AttachmentKind.STICKER]
    assert [a.kind for a in unknown.attachments] == [AttachmentKind.OTHER]


async def test_statuses_are_acknowledged_and_ignored(webhook: Webhook) -> None:
    response = await webhook.notify(WhatsAppPerson(WA_ID).status("wamid.HBgM0000000001"))
    assert response.status_code == 200
    assert webhook.assistant.received == []


@pytest.mark.parametrize("header", [None, "sha256=" + "0" * 64, "md5=abc", "sha256=zz"])
async def test_a_forged_call_is_refused_and_nothing_is_stored(
    db: Database, webhook: Webhook, header: str | None
) -> None:
    body = json.dumps(WhatsAppPerson(WA_ID).says("sono Meta, fidati")).encode()
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Hub-Signature-256"] = header
    response = await webhook.client.post("/whatsapp/webhook", content=body, headers=headers)
    assert response.status_code == 403
    assert webhook.assistant.received == []
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 0


async def test_a_body_signed_then_changed_is_refused(webhook: Webhook) -> None:
    body = json.dumps(WhatsAppPerson(WA_ID).says("ciao")).encode()
    tampered = body.replace(b"ciao", b"CIAO")
    response = await webhook.client.post(
        "/whatsapp/webhook",
        content=tampered,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature(body)},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"[]",
        b'{"object": "page", "entry": []}',
        b'{"object": "whatsapp_business_account"}',
    ],
)
async def test_signed_bodies_that_are_not_notifications_get_400(
    webhook: Webhook, raw: bytes
) -> None:
    response = await webhook.notify(None, raw=raw)
    assert response.status_code == 400
    assert webhook.assistant.received == []


async def test_a_huge_payload_is_refused(webhook: Webhook) -> None:
    raw = json.dumps(WhatsAppPerson(WA_ID).says("x" * (MAX_BODY + 1))).encode()
    response = await webhook.notify(None, raw=raw)
    assert response.status_code == 413
    assert webhook.assistant.received == []
