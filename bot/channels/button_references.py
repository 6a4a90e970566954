"""Button payloads too long for a platform's button id travel as a reference to the outbox row
that offered them: "#<row id>:<button index>", resolved when the button comes back."""

import re

from sqlalchemy.orm import Session

from bot.db.models import OutboxMessage

_REFERENCE = re.compile(r"#(?P<row>\d+):(?P<index>\d+)")


def button_id(payload: str, row_id: int, index: int, limit_bytes: int) -> str:
    if len(payload.encode()) <= limit_bytes and not payload.startswith("#"):
        return payload
    return f"#{row_id}:{index}"


def payload_of_button(session: Session, channel: str, button: str, address: str) -> str | None:
    """The payload a button id stands for; None for a reference to nothing we sent there."""
    match = _REFERENCE.fullmatch(button)
    if match is None:
        return button
    row = session.get(OutboxMessage, int(match["row"]))
    if row is None or row.channel != channel or row.address != address:
        return None
    buttons = row.payload.get("buttons") or []
    index = int(match["index"])
    if index >= len(buttons):
        return None
    return str(buttons[index]["payload"])
