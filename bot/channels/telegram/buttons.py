"""Reply-keyboard buttons on Telegram, read back.

A reply-keyboard button (needed for "send my position") sends its title as plain text, so the
title is matched against the keyboards we sent to that chat most recently. Inline buttons carry
their payload in `callback_data` (see bot/channels/button_references.py).
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import OutboxMessage
from bot.delivery.status import OutboxStatus
from bot.messages import Channel

CALLBACK_DATA_BYTES = 64
# Keyboards further back than this are no longer on the person's screen.
_RECENT_KEYBOARDS = 5


def payload_of_keyboard_text(session: Session, text: str, chat_id: str) -> str | None:
    """The payload of the reply-keyboard button titled `text` we showed this chat, if any."""
    recent = session.scalars(
        select(OutboxMessage.payload)
        .where(
            OutboxMessage.channel == Channel.TELEGRAM,
            OutboxMessage.address == chat_id,
            OutboxMessage.status == OutboxStatus.SENT,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(_RECENT_KEYBOARDS)
    )
    wanted = text.strip()
    for payload in recent:
        if not payload.get("request_location"):
            continue
        for button in payload.get("buttons") or []:
            if button.get("title", "").strip() == wanted:
                return str(button["payload"])
    return None
