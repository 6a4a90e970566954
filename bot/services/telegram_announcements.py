"""`/annuncio <testo>` written privately to the bot by a community leader or a coordinator.

The announcement is drafted as the console account linked to that Telegram user, to everything
the account may reach: a leader's towns and topics, every town and topic for a coordinator. The
reply is the preview (how many people it reaches) and what comes next: a coordinator's approval,
or the buttons to send or cancel it, whose callback data (`an:send:<id>`, `an:cancel:<id>`)
`handle_announcement_callback` reads back.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Broadcast
from bot.messages import Button, OutgoingMessage
from bot.services import broadcasts
from bot.services.accounts import user_by_telegram
from bot.services.broadcasts import Announcer, BroadcastRefused
from bot.services.bulk_messages import BulkTexts
from bot.services.domain_texts import DomainTexts
from bot.services.operator_alerts import CallbackAnswer
from bot.services.quiet_hours import QuietHours
from bot.services.subscriptions import TOPICS

log = logging.getLogger(__name__)

COMMAND = "/annuncio"
PREFIX = "an:"
ACTIONS = ("send", "cancel")
ROME = ZoneInfo("Europe/Rome")


@dataclass(frozen=True)
class AnnouncementTools:
    """What drafting and sending need besides the database."""

    texts: DomainTexts
    bulk_texts: BulkTexts
    quiet: QuietHours
    approval_required: bool


def is_announcement_command(text: str) -> bool:
    words = text.strip().split(maxsplit=1)
    return bool(words) and words[0].split("@", 1)[0].lower() == COMMAND


def is_announcement_callback(data: str) -> bool:
    return data.startswith(PREFIX)


def handle_announcement_command(
    session: Session,
    telegram_user_id: str | int,
    text: str,
    tools: AnnouncementTools,
    now: datetime,
) -> OutgoingMessage:
    texts = tools.texts
    announcer = _announcer(session, telegram_user_id)
    if announcer is None or not announcer.may_announce:
        return _plain(texts, "utter_operator_announcement_not_allowed")
    words = text.strip().split(maxsplit=1)
    if len(words) < 2 or not words[1].strip():
        return _plain(texts, "utter_operator_announcement_usage")
    if not announcer.is_coordinator and not (announcer.towns and announcer.topics):
        return _plain(texts, "utter_operator_announcement_no_reach")
    topics = TOPICS if announcer.is_coordinator else sorted(announcer.topics, key=TOPICS.index)
    try:
        broadcast = broadcasts.create_broadcast(
            session,
            announcer,
            text=words[1],
            topics=topics,
            towns=sorted(announcer.towns),
            approval_required=tools.approval_required,
            now=now,
        )
    except BroadcastRefused as error:
        log.info("user %s: announcement from Telegram refused", announcer.user_id)
        return OutgoingMessage(text=str(error))
    shown = broadcasts.preview(session, broadcast, tools.bulk_texts, tools.quiet, now)
    log.info(
        "user %s: announcement %s drafted from Telegram, %d recipients",
        announcer.user_id,
        broadcast.id,
        shown.recipients,
    )
    variables = {
        "id": broadcast.id,
        "towns": ", ".join(broadcast.towns or ()) or "tutti i comuni",
        "topics": ", ".join(texts.label("topic", topic) for topic in broadcast.topics),
        "recipients": shown.recipients,
    }
    if broadcast.status == broadcasts.AWAITING_APPROVAL:
        return texts.message("utter_operator_announcement_awaiting", "telegram", **variables)
    buttons = tuple(
        Button(
            texts.label("operator_button", f"announcement_{action}"), _callback(action, broadcast)
        )
        for action in ACTIONS
    )
    return texts.message("utter_operator_announcement_ready", "telegram", buttons, **variables)


def handle_announcement_callback(
    session: Session,
    telegram_user_id: str | int,
    data: str,
    tools: AnnouncementTools,
    now: datetime,
) -> CallbackAnswer:
    texts = tools.texts
    announcer = _announcer(session, telegram_user_id)
    if announcer is None or not announcer.may_announce:
        return CallbackAnswer(texts.text("utter_operator_announcement_not_allowed"), alert=True)
    parts = data.split(":")
    if len(parts) != 3 or parts[1] not in ACTIONS or not parts[2].isdigit():
        return CallbackAnswer(texts.text("utter_operator_button_unknown"), alert=True)
    broadcast_id = int(parts[2])
    try:
        if parts[1] == "cancel":
            broadcast = broadcasts.get_broadcast(session, broadcast_id, announcer)
            broadcasts.withdraw_broadcast(session, broadcast, announcer)
            return CallbackAnswer(
                texts.text("utter_operator_announcement_cancelled", id=broadcast_id)
            )
        outcome = broadcasts.send_broadcast(
            session, broadcast_id, announcer, tools.bulk_texts, tools.quiet, now
        )
    except BroadcastRefused as error:
        return CallbackAnswer(str(error), alert=True)
    sends_from = outcome.sends_from or now
    return CallbackAnswer(
        texts.text(
            "utter_operator_announcement_queued"
            if sends_from <= now
            else "utter_operator_announcement_later",
            id=broadcast_id,
            recipients=outcome.recipients,
            when=sends_from.astimezone(ROME).strftime("%d/%m alle %H:%M"),
        )
    )


def _announcer(session: Session, telegram_user_id: str | int) -> Announcer | None:
    user = user_by_telegram(session, telegram_user_id)
    return broadcasts.announcer_of(session, user) if user is not None else None


def _plain(texts: DomainTexts, name: str) -> OutgoingMessage:
    return texts.message(name, "telegram", command=COMMAND)


def _callback(action: str, broadcast: Broadcast) -> str:
    return f"{PREFIX}{action}:{broadcast.id}"
