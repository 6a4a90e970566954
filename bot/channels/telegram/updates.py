"""A Telegram update as the one IncomingMessage every channel speaks.

The message id is the update_id, unique per bot, so a redelivered update is recognised. Commands
become button payloads, photos are kept by file_id, voice notes and stickers travel as
attachments (the engine answers them kindly), edited texts come back marked as edited.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from telegram import CallbackQuery, Message, Update

from bot.channels.telegram.commands import parse_command
from bot.messages import Attachment, AttachmentKind, Channel, IncomingMessage, Location

# Looks a button payload up: (callback data or keyboard text, chat id) -> payload or None.
PayloadLookup = Callable[[str, str], str | None]

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# Reply-keyboard titles are short; a longer text cannot be a tap on one.
_KEYBOARD_TITLE = 64


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == chat.PRIVATE


def incoming_from_update(
    update: Update,
    bot_username: str | None,
    callback_payload: PayloadLookup,
    keyboard_payload: PayloadLookup,
) -> IncomingMessage | None:
    """None for what a citizen's conversation has no use for (service messages, live-location
    refreshes, other bots' commands, update kinds we do not ask for)."""
    if update.callback_query is not None:
        return _from_callback(update, update.callback_query, callback_payload)
    message = update.message or update.edited_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    edited = update.edited_message is not None
    if edited and message.location is not None:
        return None  # a live location moving: not something the person said
    text = message.text or message.caption or ""
    payload: str | None = None
    chat_id = str(message.chat.id)
    if message.text:
        command = parse_command(message.text, bot_username)
        if command is not None:
            name, payload = command
            # A command we do not have is read as the word it is ("/ciao" says hello).
            text = "" if payload else name
        elif len(text) <= _KEYBOARD_TITLE:
            payload = keyboard_payload(text, chat_id)
    location = _location(message)
    attachments = _attachments(message)
    if not text and payload is None and location is None and not attachments:
        return None
    user = message.from_user
    return IncomingMessage(
        channel=Channel.TELEGRAM,
        user_id=str(user.id),
        address=chat_id,
        text=text,
        payload=payload,
        location=location,
        attachments=attachments,
        message_id=str(update.update_id),
        first_name=user.first_name,
        language_code=user.language_code,
        edited=edited,
        received_at=(message.edit_date if edited else None) or message.date,
    )


def _from_callback(
    update: Update, query: CallbackQuery, callback_payload: PayloadLookup
) -> IncomingMessage | None:
    if not query.data:
        return None
    message = query.message
    chat_id = str(message.chat.id if message is not None else query.from_user.id)
    payload = callback_payload(query.data, chat_id)
    if payload is None:
        return None
    title = ""
    if isinstance(message, Message) and message.reply_markup is not None:
        title = next(
            (
                button.text
                for row in message.reply_markup.inline_keyboard
                for button in row
                if button.callback_data == query.data
            ),
            "",
        )
    user = query.from_user
    return IncomingMessage(
        channel=Channel.TELEGRAM,
        user_id=str(user.id),
        address=chat_id,
        text=title,
        payload=payload,
        message_id=str(update.update_id),
        first_name=user.first_name,
        language_code=user.language_code,
        received_at=datetime.now(UTC),
    )


def _location(message: Message) -> Location | None:
    if message.venue is not None:
        venue = message.venue
        return Location(venue.location.latitude, venue.location.longitude, venue.address)
    if message.location is not None:
        return Location(message.location.latitude, message.location.longitude)
    return None


def _attachments(message: Message) -> tuple[Attachment, ...]:
    if message.photo:
        # Telegram sends every size; the last is the largest, the one worth keeping.
        return (Attachment(AttachmentKind.PHOTO, message.photo[-1].file_id),)
    kinds = (
        (message.voice, AttachmentKind.VOICE),
        (message.audio, AttachmentKind.AUDIO),
        (message.video, AttachmentKind.VIDEO),
        (message.video_note, AttachmentKind.VIDEO),
        (message.animation, AttachmentKind.VIDEO),
        (message.sticker, AttachmentKind.STICKER),
        (message.document, AttachmentKind.DOCUMENT),
    )
    for media, kind in kinds:
        if media is not None:
            return (Attachment(kind, media.file_id),)
    if message.contact is not None:
        return (Attachment(AttachmentKind.CONTACT),)
    if message.location is None and message.effective_attachment is not None:
        # A poll, a dice, a game...: something sent that is not words.
        return (Attachment(AttachmentKind.OTHER),)
    return ()
