"""A WhatsApp webhook call as IncomingMessages (one call may carry several messages).

The message id (`wamid...`) is unique, so a call Meta retries is recognised. Button and list
replies carry the payload we gave them as their id; photos are kept by media id; voice notes
and stickers travel as attachments; statuses (sent, delivered, read) are not messages.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from bot.messages import Attachment, AttachmentKind, Channel, IncomingMessage, Location

log = logging.getLogger(__name__)

_MEDIA = {
    "image": AttachmentKind.PHOTO,
    "video": AttachmentKind.VIDEO,
    "sticker": AttachmentKind.STICKER,
    "document": AttachmentKind.DOCUMENT,
}
# Not something the person said to us: a reaction to a message, a number change, ...
_IGNORED = {"reaction", "system", "request_welcome", "order"}


class NotAWebhook(ValueError):
    """The body is JSON, but not a WhatsApp Business Account notification."""


def incoming_from_webhook(payload: Any) -> list[IncomingMessage]:
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise NotAWebhook("not a whatsapp_business_account notification")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise NotAWebhook("no entries")
    messages: list[IncomingMessage] = []
    for entry in entries:
        for change in _dicts(entry.get("changes") if isinstance(entry, dict) else None):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            names = {
                str(contact.get("wa_id")): (contact.get("profile") or {}).get("name")
                for contact in _dicts(value.get("contacts"))
            }
            for message in _dicts(value.get("messages")):
                incoming = _incoming(message, names)
                if incoming is not None:
                    messages.append(incoming)
    return messages


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _incoming(message: dict[str, Any], names: dict[str, Any]) -> IncomingMessage | None:
    sender, message_id, kind = message.get("from"), message.get("id"), message.get("type")
    if not isinstance(sender, str) or not isinstance(message_id, str):
        log.info("whatsapp message without sender or id, skipped")
        return None
    if kind in _IGNORED:
        return None
    text, payload, location, attachments = _content(kind, message)
    name = names.get(sender)
    return IncomingMessage(
        channel=Channel.WHATSAPP,
        user_id=sender,
        address=sender,
        text=text,
        payload=payload,
        location=location,
        attachments=attachments,
        message_id=message_id,
        first_name=name if isinstance(name, str) else None,
        received_at=_timestamp(message.get("timestamp")),
    )


def _content(
    kind: Any, message: dict[str, Any]
) -> tuple[str, str | None, Location | None, tuple[Attachment, ...]]:
    body = message.get(kind) if isinstance(kind, str) else None
    body = body if isinstance(body, dict) else {}
    if kind == "text":
        return str(body.get("body") or ""), None, None, ()
    if kind == "interactive":
        reply = body.get("button_reply") or body.get("list_reply")
        if isinstance(reply, dict) and reply.get("id"):
            return str(reply.get("title") or ""), str(reply["id"]), None, ()
    elif kind == "button":
        # A quick-reply button under a template: its payload is ours when it looks like one.
        payload = str(body.get("payload") or "")
        return str(body.get("text") or ""), payload if payload.startswith("/") else None, None, ()
    elif kind == "location":
        try:
            location = Location(
                float(body["latitude"]),
                float(body["longitude"]),
                body.get("address") or body.get("name"),
            )
        except (KeyError, TypeError, ValueError):
            return "", None, None, (Attachment(AttachmentKind.OTHER),)
        return "", None, location, ()
    elif kind == "audio":
        voice = AttachmentKind.VOICE if body.get("voice") else AttachmentKind.AUDIO
        return "", None, None, (Attachment(voice, _media_id(body)),)
    elif kind in _MEDIA:
        caption = str(body.get("caption") or "")
        return caption, None, None, (Attachment(_MEDIA[kind], _media_id(body)),)
    elif kind == "contacts":
        return "", None, None, (Attachment(AttachmentKind.CONTACT),)
    return "", None, None, (Attachment(AttachmentKind.OTHER),)


def _media_id(body: dict[str, Any]) -> str | None:
    media_id = body.get("id")
    return str(media_id) if media_id else None


def _timestamp(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(UTC)
