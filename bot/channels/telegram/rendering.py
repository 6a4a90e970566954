"""An OutgoingMessage as Telegram calls: texts of at most 4096 characters, buttons, positions.

Choices are inline buttons under the message. Asking for a position needs a reply keyboard
(only its buttons can share a location), so the message's other choices join that keyboard.
"""

from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.channels.button_references import button_id
from bot.channels.splitting import split_text, utf16_length
from bot.channels.telegram.buttons import CALLBACK_DATA_BYTES
from bot.messages import Button, OutgoingMessage

TEXT_LIMIT = 4096
# Two choices share a row when both titles are this short; longer ones get a row each.
_PAIRED_TITLE = 16


@dataclass(frozen=True)
class TextCall:
    text: str
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None


@dataclass(frozen=True)
class LocationCall:
    latitude: float
    longitude: float


TelegramCall = TextCall | LocationCall


def render(message: OutgoingMessage, row_id: int, share_location_label: str) -> list[TelegramCall]:
    calls: list[TelegramCall] = []
    pieces = split_text(message.text, TEXT_LIMIT, utf16_length)
    markup = _markup(message, row_id, share_location_label)
    if not pieces and markup is not None:
        # Telegram shows no keyboard without a text; the label says what the keyboard is for.
        pieces = [share_location_label if message.request_location else "…"]
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        calls.append(TextCall(piece, markup if last else None))
    if message.location is not None:
        calls.append(LocationCall(message.location.latitude, message.location.longitude))
    return calls


def _markup(
    message: OutgoingMessage, row_id: int, share_location_label: str
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if message.request_location:
        rows = [[KeyboardButton(share_location_label, request_location=True)]]
        rows += [[KeyboardButton(button.title)] for button in message.buttons]
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
    if not message.buttons:
        return None
    inline = [
        InlineKeyboardButton(
            button.title, callback_data=button_id(button.payload, row_id, i, CALLBACK_DATA_BYTES)
        )
        for i, button in enumerate(message.buttons)
    ]
    return InlineKeyboardMarkup(_rows(message.buttons, inline))


def _rows(
    buttons: tuple[Button, ...], inline: list[InlineKeyboardButton]
) -> list[list[InlineKeyboardButton]]:
    rows: list[list[InlineKeyboardButton]] = []
    index = 0
    while index < len(inline):
        pair = buttons[index : index + 2]
        if len(pair) == 2 and all(len(button.title) <= _PAIRED_TITLE for button in pair):
            rows.append(inline[index : index + 2])
            index += 2
        else:
            rows.append([inline[index]])
            index += 1
    return rows
