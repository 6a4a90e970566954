"""The terminal chat behind `antenna shell`: the same conversation as on the web, for trying it.

A number presses one of the last message's buttons, a line starting with "/" is sent as a
button payload, "@45.04,7.53" sends a position.
"""

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from bot.engine.turns import Turns
from bot.messages import Button, Channel, IncomingMessage, Location, OutgoingMessage

_POSITION = re.compile(r"^@\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")

GREETING = (
    "Chatting as '{user}' on the shell channel. Type a number to press a button, "
    "@lat,lon to send a position, Ctrl-D to leave.\n"
)


def run_shell(
    assistant: Turns,
    user_id: str,
    out: TextIO,
    prompt: Callable[[str], str] = input,
) -> None:
    out.write(GREETING.format(user=user_id))
    buttons: tuple[Button, ...] = ()
    while True:
        try:
            line = prompt("> ")
        except (EOFError, KeyboardInterrupt):
            out.write("\n")
            return
        replies = assistant.handle(to_incoming(line, buttons, user_id))
        buttons = show(replies, out)


def to_incoming(line: str, buttons: tuple[Button, ...], user_id: str) -> IncomingMessage:
    text, payload, location = line, None, None
    choice = line.strip()
    if choice.isdigit() and 1 <= int(choice) <= len(buttons):
        button = buttons[int(choice) - 1]
        text, payload = button.title, button.payload
    elif choice.startswith("/"):
        text, payload = "", choice
    elif match := _POSITION.match(choice):
        text, location = "", Location(float(match[1]), float(match[2]))
    return IncomingMessage(
        channel=Channel.SHELL,
        user_id=user_id,
        address=user_id,
        text=text,
        payload=payload,
        location=location,
        message_id=uuid.uuid4().hex,
        received_at=datetime.now(UTC),
    )


def show(replies: list[OutgoingMessage], out: TextIO) -> tuple[Button, ...]:
    """Print the replies; the buttons of the last one that has any can be pressed next."""
    buttons: tuple[Button, ...] = ()
    for reply in replies:
        out.write(f"\n{reply.text}\n")
        if reply.location is not None:
            place = reply.location.address or ""
            out.write(f"  ({place} {reply.location.latitude},{reply.location.longitude})\n")
        if reply.buttons:
            buttons = reply.buttons
            for number, button in enumerate(buttons, 1):
                out.write(f"  [{number}] {button.title}\n")
        if reply.request_location:
            out.write("  (send a position as @45.0436,7.5346)\n")
    out.write("\n")
    out.flush()
    return buttons
