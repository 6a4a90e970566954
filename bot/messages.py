"""The one message model every channel speaks: flows and actions never see a channel's format."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Channel(StrEnum):
    WEB = "web"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    SHELL = "shell"


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    VOICE = "voice"
    AUDIO = "audio"
    VIDEO = "video"
    STICKER = "sticker"
    DOCUMENT = "document"
    CONTACT = "contact"
    OTHER = "other"


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    address: str | None = None


@dataclass(frozen=True)
class Attachment:
    kind: AttachmentKind
    # The platform's own handle (Telegram file_id, WhatsApp media id): we keep the handle, not
    # the bytes, so a photo stays with its report without us holding a copy.
    file_id: str | None = None


@dataclass(frozen=True)
class IncomingMessage:
    channel: Channel
    # The platform's id of the person (Telegram user id, WhatsApp wa_id, web session id).
    # It never reaches the database as is: the conversation store keeps a keyed hash of it.
    user_id: str
    # Where replies go (Telegram chat id, WhatsApp number, web session id).
    address: str
    text: str = ""
    # A button's payload, in Rasa's form: "/intent" or '/intent{"entity": "value"}'.
    payload: str | None = None
    location: Location | None = None
    attachments: tuple[Attachment, ...] = ()
    # The platform's id of this update, so a retried webhook is processed once.
    message_id: str | None = None
    first_name: str | None = None
    language_code: str | None = None
    edited: bool = False
    received_at: datetime | None = None


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class OutgoingMessage:
    text: str
    buttons: tuple[Button, ...] = ()
    # Ask the person for their position (Telegram's request_location keyboard button).
    request_location: bool = False
    location: Location | None = None
    # Name of the domain response this text came from, for transcripts and tests.
    response: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
