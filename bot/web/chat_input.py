"""What the web chat's page may send, read defensively: anything else is a kind 4xx, never a 500."""

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.messages import Channel, IncomingMessage, Location

# 5,000 characters of any script are at most 20,000 bytes of UTF-8; the rest is room for JSON.
MAX_BODY_BYTES = 32 * 1024
MAX_PAYLOAD_CHARS = 500


class ChatInputError(Exception):
    """A request the chat cannot take; `text` names the utter_web_* response that explains it."""

    def __init__(self, status_code: int, code: str, text: str) -> None:
        super().__init__(code)
        self.status_code = status_code
        self.code = code
        self.text = text


class LocationIn(BaseModel):
    model_config = ConfigDict(strict=True)

    latitude: float = Field(ge=-90, le=90, allow_inf_nan=False)
    longitude: float = Field(ge=-180, le=180, allow_inf_nan=False)


class ChatMessageIn(BaseModel):
    """One message from the page: typed text, a tapped button's payload, or a position."""

    model_config = ConfigDict(strict=True)

    text: str | None = None
    # Rasa's form, "/intent" or '/intent{"slot": "value"}': the page only sends buttons' payloads.
    payload: str | None = Field(default=None, max_length=MAX_PAYLOAD_CHARS, pattern=r"^/\w")
    location: LocationIn | None = None

    def is_empty(self) -> bool:
        return self.text is None and self.payload is None and self.location is None


async def read_json_body(request: Request) -> Any:
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise ChatInputError(415, "unsupported_media_type", "error_unsupported")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ChatInputError(413, "too_large", "error_too_large")
    # A chunked body declares no length, so the cap is also counted while reading.
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            raise ChatInputError(413, "too_large", "error_too_large")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ChatInputError(400, "bad_json", "error_bad_json") from error


def parse_chat_message(document: Any) -> ChatMessageIn:
    if not isinstance(document, dict):
        raise ChatInputError(400, "bad_json", "error_bad_json")
    try:
        message = ChatMessageIn.model_validate(document)
    except ValidationError as error:
        raise ChatInputError(422, "invalid_message", "error_invalid") from error
    if message.is_empty():
        raise ChatInputError(422, "empty_message", "error_empty")
    return message


def to_incoming(
    message: ChatMessageIn,
    session_id: str,
    address: str,
    message_id: str,
    language_code: str | None,
) -> IncomingMessage:
    location = None
    if message.location is not None:
        location = Location(message.location.latitude, message.location.longitude)
    return IncomingMessage(
        channel=Channel.WEB,
        user_id=session_id,
        address=address,
        text=message.text or "",
        payload=message.payload,
        location=location,
        message_id=message_id,
        language_code=language_code,
        received_at=datetime.now(UTC),
    )


def preferred_language(accept_language: str) -> str | None:
    """The browser's first language ("it-IT,it;q=0.9" -> "it"), a hint like Telegram's."""
    first = accept_language.split(",")[0].split(";")[0].strip()
    primary = first.split("-")[0].lower()
    return primary if primary.isalpha() and len(primary) <= 3 else None
