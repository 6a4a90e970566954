"""The WhatsApp webhook routes, in the same ASGI app as everything else.

GET is Meta's verification handshake: `hub.mode=subscribe`, our verify token, and a challenge
to echo. POST carries notifications, signed with the app secret over the raw body: the signature
is checked before anything is parsed, and a call that fails it is refused with 403 and leaves no
trace. Every refusal is a short JSON answer with the HTTP status that says why.
"""

import asyncio
import hmac
import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from bot.channels.request_body import BodyTooLarge, read_body
from bot.channels.whatsapp.signature import signature_is_valid
from bot.channels.whatsapp.updates import NotAWebhook, incoming_from_webhook
from bot.db.database import Database
from bot.delivery.claims import release_awaiting_reply
from bot.engine.turns import Turns
from bot.messages import Channel, IncomingMessage
from bot.settings import Settings

log = logging.getLogger(__name__)

PATH = "/whatsapp/webhook"
# Meta batches a few messages per call; a few megabytes leave room for any real one.
MAX_BODY = 3 << 20


def whatsapp_webhook_router(
    settings: Settings, assistant: Turns, database: Database
) -> APIRouter:
    router = APIRouter()
    inbound = WhatsAppInbound(assistant, database)

    @router.get(PATH, include_in_schema=False)
    async def verify(request: Request) -> Response:
        query = request.query_params
        expected = settings.whatsapp_verify_token
        given = query.get("hub.verify_token", "")
        if (
            query.get("hub.mode") != "subscribe"
            or not expected
            or not hmac.compare_digest(given.encode(), expected.encode())
        ):
            return _answer(403, "forbidden")
        return PlainTextResponse(query.get("hub.challenge", ""))

    @router.post(PATH, include_in_schema=False)
    async def notify(request: Request) -> Response:
        if not settings.whatsapp_app_secret:
            return _answer(404, "not_found")
        try:
            body = await read_body(request, MAX_BODY)
        except BodyTooLarge:
            return _answer(413, "too_large")
        signature = request.headers.get("x-hub-signature-256")
        if not signature_is_valid(body, signature, settings.whatsapp_app_secret):
            log.warning("whatsapp webhook: a call without a valid signature, refused")
            return _answer(403, "forbidden")
        try:
            messages = incoming_from_webhook(json.loads(body))
        except (ValueError, UnicodeDecodeError, NotAWebhook):
            return _answer(400, "not_a_notification")
        await inbound.handle(messages)
        return JSONResponse({"ok": True})

    return router


class WhatsAppInbound:
    def __init__(self, assistant: Turns, database: Database) -> None:
        self._assistant = assistant
        self._database = database

    async def handle(self, messages: list[IncomingMessage]) -> None:
        for incoming in messages:
            log.info(
                "whatsapp message %s: text of %d characters, %s",
                incoming.message_id,
                len(incoming.text),
                "a button" if incoming.payload else "no button",
            )
            await asyncio.to_thread(self._assistant.handle, incoming)
            # Only after the turn recorded their message is the window open again.
            await asyncio.to_thread(self._release, incoming.address)

    def _release(self, address: str) -> None:
        with self._database.unit_of_work() as session:
            released = release_awaiting_reply(session, Channel.WHATSAPP, address)
        if released:
            log.info("whatsapp: %d messages that waited for a reply can go", released)


def _answer(status: int, error: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": error}, status_code=status)
