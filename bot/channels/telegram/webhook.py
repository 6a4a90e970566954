"""The Telegram webhook route, in the same ASGI app as everything else.

Telegram sends the secret token given to setWebhook in `X-Telegram-Bot-Api-Secret-Token`;
without it (or with another) the call is not Telegram's, and nothing is read. Every refusal is
a short JSON answer with the HTTP status that says why.
"""

import hmac
import json
import logging
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.channels.request_body import BodyTooLarge, read_body
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.updates import ALLOWED_UPDATES

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
# Telegram's updates are a few kilobytes; a megabyte leaves room for any real one.
MAX_BODY = 1 << 20


def telegram_webhook_router(channel_of: Callable[[], TelegramChannel | None]) -> APIRouter:
    router = APIRouter()

    @router.post(PATH, include_in_schema=False)
    async def telegram_webhook(request: Request) -> JSONResponse:
        channel = channel_of()
        if channel is None or not channel.uses_webhook:
            return _answer(404, "not_found")
        given = request.headers.get("x-telegram-bot-api-secret-token", "")
        if not hmac.compare_digest(given.encode(), channel.secret_token.encode()):
            log.warning("telegram webhook: a call without the secret token, refused")
            return _answer(403, "forbidden")
        try:
            body = await read_body(request, MAX_BODY)
        except BodyTooLarge:
            return _answer(413, "too_large")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _answer(400, "not_json")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return _answer(400, "not_an_update")
        if not any(kind in data for kind in ALLOWED_UPDATES):
            # A kind we did not ask for (or one newer than our library): nothing to do.
            log.info("telegram webhook: update %s is of a kind we ignore", data["update_id"])
            return JSONResponse({"ok": True})
        try:
            update = channel.parse(data)
        except (TypeError, ValueError, KeyError, AttributeError):
            log.info("telegram webhook: update %s has an unexpected shape", data["update_id"])
            return _answer(400, "not_an_update")
        if not channel.ready.is_set():
            # Telegram keeps the update and tries again.
            return _answer(503, "starting")
        await channel.process(update)
        return JSONResponse({"ok": True})

    return router


def _answer(status: int, error: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": error}, status_code=status)
