"""The command menu: each command is a button payload, its description a domain.yml response.

Commands map to intents (`/segnala` is the intent report_problem), so the flows never learn about
commands: a command is the same as pressing a button. `/start` greets, and a new person's first
message, whatever it is, leads into the consent step.
"""

from telegram import BotCommand

# command -> payload; the menu shows them in this order.
COMMANDS = {
    "start": "/greet",
    "segnala": "/report_problem",
    "aiuto": "/ask_info",
    "volontario": "/offer_help",
    "idea": "/propose_idea",
    "eventi": "/ask_events",
    "avvisi": "/subscribe",
    "operatore": "/talk_to_operator",
    "privacy": "/privacy_request",
    "stop": "/unsubscribe",
}
LABEL_PREFIX = "command_"


def menu(labels: dict[str, str]) -> list[BotCommand]:
    return [BotCommand(command, labels[LABEL_PREFIX + command]) for command in COMMANDS]


def parse_command(text: str, bot_username: str | None) -> tuple[str, str | None] | None:
    """("segnala", "/report_problem") for "/segnala" or "/segnala@our_bot ..."; the payload is
    None for a command we do not have. None when the text is not a command (or another bot's)."""
    if not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)[0] if len(text) > 1 else ""
    command, _, addressee = word.partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return None
    command = command.lower()
    if not command:
        return None
    return command, COMMANDS.get(command)
