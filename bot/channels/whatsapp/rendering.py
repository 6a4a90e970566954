"""An OutgoingMessage as Graph API message bodies, within WhatsApp's limits.

Up to 3 choices with titles of at most 20 characters are reply buttons; more, or longer, become
a list of at most 10 rows. The text of a message with choices is at most 1024 characters, so a
longer one goes first as plain text (split at 4096). Asking for a position is WhatsApp's
location request, unless there are choices to offer too: then the choices are shown, and the
person can still share their position from the attachment menu.

Outside the 24-hour window only an approved template may go: it invites the person back, and
the message itself waits for their reply.
"""

import logging
from typing import Any

from bot.channels.button_references import button_id
from bot.channels.splitting import split_text
from bot.messages import Button, OutgoingMessage

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
INTERACTIVE_BODY = 1024
MAX_BUTTONS = 3
BUTTON_TITLE = 20
BUTTON_ID_BYTES = 256
MAX_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
ROW_ID_BYTES = 200
LIST_BUTTON = 20


def render(
    message: OutgoingMessage, to: str, row_id: int, list_button: str
) -> list[dict[str, Any]]:
    """The bodies to post, in order, for a person inside the 24-hour window."""
    interactive = bool(message.buttons) or message.request_location
    pieces = split_text(message.text, TEXT_LIMIT)
    bodies: list[dict[str, Any]] = []
    if interactive and pieces:
        last = split_text(pieces.pop(), INTERACTIVE_BODY)
        pieces += last[:-1]
        bodies += [_text(to, piece) for piece in pieces]
        bodies.append(
            _envelope(to, "interactive", _interactive(message, last[-1], row_id, list_button))
        )
    else:
        bodies += [_text(to, piece) for piece in pieces]
    if message.location is not None:
        location: dict[str, Any] = {
            "latitude": message.location.latitude,
            "longitude": message.location.longitude,
        }
        if message.location.address:
            location["address"] = message.location.address
        bodies.append(_envelope(to, "location", location))
    return bodies


def render_invitation(to: str, template: str, language: str) -> dict[str, Any]:
    """The approved template that asks the person to write back (no parameters: its text is
    the one Meta approved)."""
    return _envelope(to, "template", {"name": template, "language": {"code": language}})


def _envelope(to: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": kind,
        kind: content,
    }


def _text(to: str, body: str) -> dict[str, Any]:
    return _envelope(to, "text", {"body": body, "preview_url": False})


def _interactive(
    message: OutgoingMessage, body: str, row_id: int, list_button: str
) -> dict[str, Any]:
    buttons = message.buttons
    if not buttons:
        return {
            "type": "location_request_message",
            "body": {"text": body},
            "action": {"name": "send_location"},
        }
    if len(buttons) <= MAX_BUTTONS and all(len(b.title) <= BUTTON_TITLE for b in buttons):
        return {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {
                        "type": "reply",
                        "reply": {
                            "id": button_id(button.payload, row_id, i, BUTTON_ID_BYTES),
                            "title": button.title,
                        },
                    }
                    for i, button in enumerate(buttons)
                ]
            },
        }
    if len(buttons) > MAX_ROWS:
        log.warning(
            "response %s offers %d choices; WhatsApp lists show the first %d",
            message.response,
            len(buttons),
            MAX_ROWS,
        )
    return {
        "type": "list",
        "body": {"text": body},
        "action": {
            "button": _shorten(list_button, LIST_BUTTON),
            "sections": [
                {"rows": [_row(button, row_id, i) for i, button in enumerate(buttons[:MAX_ROWS])]}
            ],
        },
    }


def _row(button: Button, row_id: int, index: int) -> dict[str, Any]:
    row = {
        "id": button_id(button.payload, row_id, index, ROW_ID_BYTES),
        "title": _shorten(button.title, ROW_TITLE),
    }
    if len(button.title) > ROW_TITLE:
        # The whole title stays readable under the shortened one.
        row["description"] = _shorten(button.title, ROW_DESCRIPTION)
    return row


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:") + "…"
