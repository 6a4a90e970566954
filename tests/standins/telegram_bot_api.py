"""A Telegram Bot API server on 127.0.0.1 that speaks the real JSON shapes.

It keeps what a real server keeps (pending updates and offsets, the webhook, the command menu,
message ids per chat), enforces flood control with real 429 answers carrying `retry_after`, answers
403 for people who blocked the bot, and records every message it accepted so tests can see what a
citizen would have seen. Users are simulated with `user(...)`, which queues updates exactly as
Telegram would deliver them to `getUpdates`.
"""

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.standins.flood_control import SlidingWindow, TokenBucket, retry_after_seconds
from tests.standins.loopback import LoopbackServer

TOKEN = "123456789:STAND-IN-token_for_tests"
BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Scintille",
    "username": "scintille_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
MESSAGE_METHODS = {
    "sendMessage",
    "sendLocation",
    "sendVenue",
    "sendPhoto",
    "editMessageText",
    "editMessageReplyMarkup",
}
# Values PTB sends as plain strings; every other form field is JSON-encoded.
TEXT_FIELDS = {
    "text",
    "caption",
    "url",
    "secret_token",
    "callback_query_id",
    "inline_message_id",
    "title",
    "address",
    "parse_mode",
    "language_code",
    "file_id",
    "description",
    "ip_address",
}


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Sent:
    """A message the server accepted, as a citizen's phone would show it."""

    method: str
    chat_id: int
    message_id: int
    params: dict[str, Any]
    at: float

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, dict) else None

    def inline_buttons(self) -> list[dict[str, Any]]:
        markup = self.reply_markup or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def keyboard_buttons(self) -> list[dict[str, Any]]:
        markup = self.reply_markup or {}
        return [
            button if isinstance(button, dict) else {"text": button}
            for row in markup.get("keyboard", [])
            for button in row
        ]


@dataclass
class Flood:
    messages_per_second: int = 30
    chat_burst: int = 3
    chat_per_second: float = 1.0
    group_per_minute: int = 20


@dataclass
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 1000
    webhook: dict[str, Any] | None = None
    commands: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    edits: list[Sent] = field(default_factory=list)
    answered_callbacks: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    too_many_requests: list[float] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    failures: list[int] = field(default_factory=list)
    message_ids: dict[int, int] = field(default_factory=dict)


class TelegramBotApi:
    """The stand-in. Use as a context manager, or start()/stop()."""

    def __init__(self, token: str = TOKEN, flood: Flood | None = None) -> None:
        self.token = token
        self.flood = flood or Flood()
        self._state = _State()
        self._closing = False
        self._lock = threading.RLock()
        self._global = SlidingWindow(self.flood.messages_per_second, 1.0)
        self._chats: dict[int, TokenBucket | SlidingWindow] = {}
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
            ]
        )
        self._server = LoopbackServer(app)

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> "TelegramBotApi":
        self._server.start()
        return self

    def stop(self) -> None:
        self._closing = True
        self._server.stop()

    def __enter__(self) -> "TelegramBotApi":
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """In python-telegram-bot's `base_url` form: the token is appended to it."""
        return f"{self._server.base_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self._server.base_url}/file/bot"

    # -- what tests look at -----------------------------------------------------------------

    @property
    def sent(self) -> list[Sent]:
        with self._lock:
            return list(self._state.sent)

    @property
    def edits(self) -> list[Sent]:
        with self._lock:
            return list(self._state.edits)

    @property
    def answered_callbacks(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._state.answered_callbacks)

    @property
    def commands(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._state.commands)

    @property
    def webhook(self) -> dict[str, Any] | None:
        with self._lock:
            return dict(self._state.webhook) if self._state.webhook else None

    @property
    def calls(self) -> list[str]:
        with self._lock:
            return list(self._state.calls)

    @property
    def too_many_requests(self) -> int:
        with self._lock:
            return len(self._state.too_many_requests)

    @property
    def pending_updates(self) -> int:
        with self._lock:
            return len(self._state.updates)

    def sent_to(self, chat_id: int) -> list[Sent]:
        return [message for message in self.sent if message.chat_id == chat_id]

    def wait_for(self, chat_id: int, count: int = 1, timeout: float = 15.0) -> list[Sent]:
        """The first `count` messages to a chat, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            received = self.sent_to(chat_id)
            if len(received) >= count:
                return received
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"chat {chat_id} received {len(received)} messages, expected {count}"
                )
            time.sleep(0.02)

    def wait_until_quiet(
        self, chat_id: int, quiet: float = 1.5, timeout: float = 20.0
    ) -> list[Sent]:
        """Everything a chat receives until nothing more comes for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        seen = -1
        settled_at = time.monotonic()
        while time.monotonic() < deadline:
            count = len(self.sent_to(chat_id))
            if count != seen:
                seen, settled_at = count, time.monotonic()
            elif count and time.monotonic() - settled_at >= quiet:
                break
            time.sleep(0.05)
        return self.sent_to(chat_id)

    def wait_until_webhook(self, url: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while (self.webhook or {}).get("url") != url:
            if time.monotonic() > deadline:
                raise AssertionError(f"no webhook was set to {url}")
            time.sleep(0.05)

    # -- what tests change ------------------------------------------------------------------

    def block(self, chat_id: int) -> None:
        """The person blocks the bot: sending to them answers 403 from now on."""
        with self._lock:
            self._state.blocked.add(chat_id)

    def fail_next(self, *statuses: int) -> None:
        """The next message requests fail with these HTTP statuses (e.g. 502), in order."""
        with self._lock:
            self._state.failures.extend(statuses)

    def user(
        self, user_id: int, first_name: str = "Maria", language_code: str = "it"
    ) -> "TelegramUser":
        return TelegramUser(self, user_id, first_name, language_code)

    def group(self, chat_id: int, title: str = "Gruppo") -> dict[str, Any]:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; returns it with its update_id."""
        with self._lock:
            self._state.next_update_id += 1
            update = {"update_id": self._state.next_update_id, **update}
            self._state.updates.append(update)
            return update

    def redeliver(self, update: dict[str, Any]) -> None:
        """Queue an update again, same update_id: what Telegram does when it is unsure we
        got it."""
        with self._lock:
            self._state.updates.append(update)

    def post_to_webhook(
        self, update: dict[str, Any], secret_token: str | None = None, url: str | None = None
    ) -> httpx.Response:
        """Deliver an update as Telegram does when a webhook is set."""
        webhook = self.webhook or {}
        target = url or webhook.get("url")
        if not target:
            raise AssertionError("no webhook set")
        secret = secret_token if secret_token is not None else webhook.get("secret_token")
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        return httpx.post(target, json=update, headers=headers, timeout=30)

    def take_update(self) -> dict[str, Any]:
        """Remove the oldest queued update, for tests that deliver it by webhook instead."""
        with self._lock:
            return self._state.updates.pop(0)

    # -- the server -------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        try:
            params = await _parameters(request)
        except ClientDisconnect:
            return _error(400, "Bad Request: the client went away")
        with self._lock:
            self._state.calls.append(method)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        if method in MESSAGE_METHODS:
            refusal = self._refuse_message(method, params)
            if refusal is not None:
                return refusal
        result = await handler(params)
        if isinstance(result, JSONResponse):
            return result
        return JSONResponse({"ok": True, "result": result})

    async def _file(self, request: Request) -> JSONResponse:
        return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    def _refuse_message(self, method: str, params: dict[str, Any]) -> JSONResponse | None:
        chat_id = _chat_id(params)
        with self._lock:
            if self._state.failures:
                status = self._state.failures.pop(0)
                return _error(status, "Bad Gateway" if status == 502 else "Internal Server Error")
            if chat_id in self._state.blocked:
                return _error(403, "Forbidden: bot was blocked by the user")
        chat_limit = self._chat_limit(chat_id)
        wait = chat_limit.admit()
        if not wait:
            wait = self._global.admit()
            if wait:
                chat_limit.refund()
        if wait:
            with self._lock:
                self._state.too_many_requests.append(time.monotonic())
            seconds = retry_after_seconds(wait)
            return JSONResponse(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {seconds}",
                    "parameters": {"retry_after": seconds},
                },
                status_code=429,
            )
        return None

    def _chat_limit(self, chat_id: int) -> TokenBucket | SlidingWindow:
        with self._lock:
            limit = self._chats.get(chat_id)
            if limit is None:
                if chat_id < 0:
                    limit = SlidingWindow(self.flood.group_per_minute, 60.0)
                else:
                    limit = TokenBucket(self.flood.chat_burst, self.flood.chat_per_second)
                self._chats[chat_id] = limit
            return limit

    def _message(self, chat_id: int, extra: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message_id = self._state.message_ids.get(chat_id, 0) + 1
            self._state.message_ids[chat_id] = message_id
        chat_type = "private" if chat_id > 0 else "supergroup"
        return {
            "message_id": message_id,
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": chat_type},
            "date": int(time.time()),
            **extra,
        }

    def _record(self, method: str, params: dict[str, Any], message: dict[str, Any]) -> None:
        sent = Sent(method, message["chat"]["id"], message["message_id"], params, time.monotonic())
        with self._lock:
            self._state.sent.append(sent)

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        with self._lock:
            if self._state.webhook:
                return _error(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates") or None
        while True:
            with self._lock:
                # Telegram forgets every update below the offset: that is the acknowledgement.
                self._state.updates = [
                    update for update in self._state.updates if update["update_id"] >= offset
                ]
                ready = [
                    update
                    for update in self._state.updates
                    if allowed is None or any(kind in update for kind in allowed)
                ][:limit]
            if ready or time.monotonic() >= deadline or self._closing:
                return ready
            await asyncio.sleep(0.02)

    async def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        with self._lock:
            self._state.webhook = {
                "url": params["url"],
                "secret_token": params.get("secret_token"),
                "allowed_updates": params.get("allowed_updates"),
            }
            if params.get("drop_pending_updates"):
                self._state.updates.clear()
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        with self._lock:
            self._state.webhook = None
            if params.get("drop_pending_updates"):
                self._state.updates.clear()
        return True

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        webhook = self.webhook or {}
        return {
            "url": webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": self.pending_updates,
        }

    async def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands") or []
        for command in commands:
            if not (1 <= len(command.get("command", "")) <= 32) or not (
                1 <= len(command.get("description", "")) <= 256
            ):
                return _error(400, "Bad Request: BOT_COMMAND_INVALID")
        with self._lock:
            self._state.commands = list(commands)
        return True

    async def _api_getMyCommands(self, params: dict[str, Any]) -> Any:
        return self.commands

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        text = params.get("text") or ""
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if utf16_length(text) > 4096:
            return _error(400, "Bad Request: message is too long")
        invalid = _invalid_markup(params.get("reply_markup"))
        if invalid:
            return invalid
        extra: dict[str, Any] = {"text": text}
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            extra["reply_markup"] = markup
        message = self._message(_chat_id(params), extra)
        self._record("sendMessage", params, message)
        return message

    async def _api_sendLocation(self, params: dict[str, Any]) -> Any:
        try:
            location = {
                "latitude": float(params["latitude"]),
                "longitude": float(params["longitude"]),
            }
        except (KeyError, TypeError, ValueError):
            return _error(400, "Bad Request: wrong latitude or longitude")
        message = self._message(_chat_id(params), {"location": location})
        self._record("sendLocation", params, message)
        return message

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        return self._edit("editMessageText", params, {"text": params.get("text", "")})

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        return self._edit("editMessageReplyMarkup", params, {})

    def _edit(self, method: str, params: dict[str, Any], extra: dict[str, Any]) -> Any:
        chat_id = _chat_id(params)
        message_id = int(params.get("message_id") or 0)
        original = next(
            (m for m in self.sent if m.chat_id == chat_id and m.message_id == message_id), None
        )
        if original is None:
            return _error(400, "Bad Request: message to edit not found")
        edit = Sent(method, chat_id, message_id, params, time.monotonic())
        with self._lock:
            self._state.edits.append(edit)
        return {
            "message_id": message_id,
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "date": int(time.time()),
            "text": extra.get("text", original.text),
        }

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        with self._lock:
            self._state.answered_callbacks.append(params)
        return True

    async def _api_getFile(self, params: dict[str, Any]) -> Any:
        file_id = params.get("file_id", "")
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": 1024,
            "file_path": f"photos/{file_id}.jpg",
        }


class TelegramUser:
    """A person on Telegram: each action queues the update Telegram would produce."""

    def __init__(self, api: TelegramBotApi, user_id: int, first_name: str, language: str) -> None:
        self.api = api
        self.id = user_id
        self.first_name = first_name
        self.language = language
        self._message_id = 0

    @property
    def sender(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language,
        }

    def _chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    def message(self, chat: dict[str, Any] | None = None, **content: Any) -> dict[str, Any]:
        self._message_id += 1
        return {
            "message_id": 10_000 + self._message_id,
            "from": self.sender,
            "chat": chat or self._chat(),
            "date": int(time.time()),
            **content,
        }

    def says(self, text: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_length(command)}
            ]
        return self.api.push({"message": self.message(chat, **content)})

    def edits(self, update: dict[str, Any], text: str) -> dict[str, Any]:
        original = update["message"]
        edited = {**original, "text": text, "edit_date": int(time.time())}
        return self.api.push({"edited_message": edited})

    def shares_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return self.api.push({"message": self.message(location=location)})

    def sends_photo(self, file_id: str = "AgACAgQAAxkBAAIB", caption: str = "") -> dict[str, Any]:
        sizes = [
            {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 90},
            {"file_id": file_id, "file_unique_id": "b", "width": 1280, "height": 960},
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return self.api.push({"message": self.message(**content)})

    def sends_voice(self) -> dict[str, Any]:
        voice = {"file_id": "AwACAgQAAxkBAAIC", "file_unique_id": "v", "duration": 4}
        return self.api.push({"message": self.message(voice=voice)})

    def sends_sticker(self) -> dict[str, Any]:
        sticker = {
            "file_id": "CAACAgIAAxkBAAID",
            "file_unique_id": "st",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self.api.push({"message": self.message(sticker=sticker)})

    def presses(self, sent: Sent, title: str) -> dict[str, Any]:
        """Tap an inline button (by its title) under a message the bot sent."""
        button = next((b for b in sent.inline_buttons() if b["text"] == title), None)
        if button is None:
            raise AssertionError(f"no button {title!r} under message {sent.message_id}")
        message = {
            "message_id": sent.message_id,
            "from": BOT_USER,
            "chat": self._chat(),
            "date": int(time.time()),
            "text": sent.text,
            "reply_markup": sent.reply_markup,
        }
        callback = {
            "id": f"cb-{self.id}-{sent.message_id}-{len(title)}",
            "from": self.sender,
            "chat_instance": f"ci-{self.id}",
            "message": message,
            "data": button["callback_data"],
        }
        return self.api.push({"callback_query": callback})


def _error(status: int, description: str) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error_code": status, "description": description}, status_code=status
    )


def _invalid_markup(markup: Any) -> JSONResponse | None:
    if not isinstance(markup, dict):
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not (1 <= len(data.encode()) <= 64):
                return _error(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                return _error(400, "Bad Request: text buttons are unallowed in the inline keyboard")
    return None


def _chat_id(params: dict[str, Any]) -> int:
    try:
        return int(params.get("chat_id") or 0)
    except (TypeError, ValueError):
        return 0


async def _parameters(request: Request) -> dict[str, Any]:
    raw: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if "application/json" in content_type:
        body = await request.body()
        if body:
            raw.update(json.loads(body))
        return raw
    if content_type:
        form = await request.form()
        for key, value in form.items():
            if isinstance(value, str):
                raw[key] = value
    return {key: _decode(key, value) for key, value in raw.items()}


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in TEXT_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
