"""Alerts in the operators' Telegram groups, and what their buttons and commands do.

A new report is posted to its queue's groups with four buttons: take in charge, answer,
reassign, close. An urgent one also goes privately to whoever is on call out of hours, and is
posted again every few minutes (`on_call.remind_every_minutes`) until someone takes it.

The Telegram adapter hands a button's callback data to `handle_operator_callback` and an
operator's `/rispondi` or `/nota` command to `handle_operator_command`, with the Telegram user
id of whoever pressed or wrote: the action is done as the console account linked to that id.
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.models import Report, ReportCase
from bot.db.types import utcnow
from bot.messages import Button, OutgoingMessage
from bot.services import casework, operator_notices
from bot.services.accounts import Account, account_of, user_by_telegram
from bot.services.cases import case_of
from bot.services.casework import CaseworkError
from bot.services.handoff import Reach
from bot.services.operator_notices import callback
from bot.services.operator_setup import OperatorSetup, default_setup
from bot.services.reports import find_report

log = logging.getLogger(__name__)

PREFIX = "op:"
# Older reports nobody alerted were there before the alerts were: the console shows them.
UNANNOUNCED_WINDOW = timedelta(days=1)
COMMANDS = {"/rispondi": "answer", "/nota": "note"}


def alert_new_report(
    session: Session,
    report: Report,
    setup: OperatorSetup | None = None,
    now: datetime | None = None,
) -> int:
    """Post a report that just arrived; how many chats were alerted."""
    setup = setup or default_setup()
    chats = operator_notices.post_report_alert(session, setup, report, now)
    if chats == 0:
        log.error("report %s in queue %s: no operators' group to alert", report.id, report.queue)
    return chats


def alert_unannounced(session: Session, setup: OperatorSetup, now: datetime | None = None) -> int:
    """Post the new reports of the last day that nobody has alerted yet; how many.

    Reports are rows first: whatever wrote one, this beat makes sure its queue hears of it.
    """
    now = now or utcnow()
    reports = session.scalars(
        select(Report)
        .outerjoin(ReportCase, ReportCase.report_id == Report.id)
        .where(
            Report.status == casework.NEW,
            Report.created_at >= now - UNANNOUNCED_WINDOW,
            or_(ReportCase.report_id.is_(None), ReportCase.alerts_sent == 0),
        )
        .order_by(Report.created_at)
    ).all()
    for report in reports:
        operator_notices.post_report_alert(session, setup, report, now)
    return len(reports)


def with_buttons(
    session: Session,
    report: Report,
    message: OutgoingMessage,
    setup: OperatorSetup | None = None,
    now: datetime | None = None,
) -> OutgoingMessage:
    """An urgent alert written elsewhere (the emergency action), made an operators' alert.

    It gets the four buttons; it counts as the report's first alert, so reminders follow until
    someone takes it; and out of hours whoever is on call is alerted privately too.
    """
    setup = setup or default_setup()
    now = now or utcnow()
    case = case_of(session, report.id)
    if case.alerts_sent == 0 and report.urgency == "high":
        operator_notices.alert_on_call_operator(session, setup, report, now)
    case.alerts_sent += 1
    case.last_alert_at = now
    buttons = operator_notices.report_buttons(setup, report)
    return replace(message, buttons=message.buttons + buttons)


def remind_unclaimed(session: Session, setup: OperatorSetup, now: datetime | None = None) -> int:
    """Post again every urgent report nobody took in charge since the last alert; how many."""
    now = now or utcnow()
    due = now - setup.on_call.remind_every
    reports = session.scalars(
        select(Report)
        .outerjoin(ReportCase, ReportCase.report_id == Report.id)
        .where(
            Report.status == casework.NEW,
            Report.urgency == "high",
            or_(ReportCase.last_alert_at.is_(None), ReportCase.last_alert_at <= due),
        )
        .order_by(Report.created_at)
    ).all()
    for report in reports:
        operator_notices.post_report_alert(session, setup, report, now)
    if reports:
        log.warning("%d urgent report(s) still waiting: reminders posted", len(reports))
    return len(reports)


@dataclass(frozen=True)
class CallbackAnswer:
    """The short text Telegram shows to whoever pressed (answerCallbackQuery)."""

    text: str
    # A refusal is shown as an alert the operator must dismiss, not a passing toast.
    alert: bool = False


def is_operator_callback(data: str) -> bool:
    return data.startswith(PREFIX)


def handle_operator_callback(
    session: Session,
    telegram_user_id: str | int,
    data: str,
    *,
    chat_id: str | int | None = None,
    setup: OperatorSetup | None = None,
    now: datetime | None = None,
) -> CallbackAnswer:
    """Do what the pressed button says, as the operator linked to this Telegram user.

    Choices that need a second tap (which queue, which outcome) are posted to `chat_id` (the
    chat where the button was), or privately to the operator when it is not given.
    """
    setup = setup or default_setup()
    now = now or utcnow()
    texts = setup.texts
    actor = _operator(session, telegram_user_id)
    if actor is None:
        return CallbackAnswer(texts.text("utter_operator_not_linked"), alert=True)
    parsed = _parse(data)
    if parsed is None:
        return CallbackAnswer(texts.text("utter_operator_button_unknown"), alert=True)
    action, report_id, argument = parsed
    chat = str(chat_id) if chat_id is not None else str(telegram_user_id)
    try:
        report = casework.visible_report(session, actor, report_id)
        return _perform(session, setup, actor, report, action, argument, chat, now)
    except CaseworkError as error:
        log.info("operator %s: button %s refused", actor.id, action)
        return CallbackAnswer(str(error), alert=True)


def handle_operator_command(
    session: Session,
    telegram_user_id: str | int,
    text: str,
    *,
    setup: OperatorSetup | None = None,
    now: datetime | None = None,
) -> str | None:
    """`/rispondi 2026-0142 testo` answers the citizen, `/nota 2026-0142 testo` adds a note.

    Returns what to tell the operator, or None when the text is not one of these commands.
    """
    words = text.strip().split(maxsplit=2)
    if not words:
        return None
    command = words[0].split("@", 1)[0].lower()
    if command not in COMMANDS:
        return None
    setup = setup or default_setup()
    texts = setup.texts
    actor = _operator(session, telegram_user_id)
    if actor is None:
        return texts.text("utter_operator_not_linked")
    if len(words) < 3:
        return texts.text("utter_operator_command_usage", command=command)
    report = find_report(session, words[1])
    try:
        if report is None:
            raise casework.NotVisible()
        if COMMANDS[command] == "note":
            casework.add_note(session, actor, report.id, words[2], now)
            return texts.text("utter_operator_note_saved", reference=report.reference)
        reach = casework.answer(session, setup, actor, report.id, words[2], now)
    except CaseworkError as error:
        return str(error)
    return texts.text(_REACH_RESPONSE[reach], reference=report.reference)


_REACH_RESPONSE = {
    Reach.SENT: "utter_operator_answer_sent",
    Reach.INVITED: "utter_operator_answer_invited",
    Reach.WAITING: "utter_operator_answer_waiting",
    Reach.BLOCKED: "utter_operator_answer_blocked",
    Reach.GONE: "utter_operator_answer_blocked",
}


def _perform(
    session: Session,
    setup: OperatorSetup,
    actor: Account,
    report: Report,
    action: str,
    argument: str | None,
    chat: str,
    now: datetime,
) -> CallbackAnswer:
    texts = setup.texts
    reference = report.reference
    if action == "take":
        casework.take_in_charge(session, setup, actor, report.id, now)
        return CallbackAnswer(texts.text("utter_operator_taken_by_you", reference=reference))
    if action == "answer":
        operator_notices.send_to_chat(
            session,
            chat,
            texts.message("utter_operator_how_to_answer", "telegram", reference=reference),
        )
        return CallbackAnswer(texts.text("utter_operator_see_below"))
    if action == "reassign" and argument is None:
        buttons = tuple(
            Button(queue.name, callback("reassign", report.id, queue.id))
            for queue in setup.routing.queues
            if queue.id != report.queue
        )
        operator_notices.send_to_chat(
            session,
            chat,
            texts.message("utter_operator_choose_queue", "telegram", buttons, reference=reference),
        )
        return CallbackAnswer(texts.text("utter_operator_see_below"))
    if action == "reassign" and argument is not None:
        casework.reassign(session, setup, actor, report.id, argument, now)
        return CallbackAnswer(
            texts.text(
                "utter_operator_moved", reference=reference, queue=setup.queue_name(argument)
            )
        )
    if action == "close" and argument is None:
        buttons = tuple(
            Button(texts.label("outcome", outcome), callback("close", report.id, outcome))
            for outcome in casework.OUTCOMES
        )
        operator_notices.send_to_chat(
            session,
            chat,
            texts.message(
                "utter_operator_choose_outcome", "telegram", buttons, reference=reference
            ),
        )
        return CallbackAnswer(texts.text("utter_operator_see_below"))
    if action == "close" and argument is not None:
        casework.close(session, setup, actor, report.id, argument, now=now)
        return CallbackAnswer(texts.text("utter_operator_closed_by_you", reference=reference))
    return CallbackAnswer(texts.text("utter_operator_button_unknown"), alert=True)


def _operator(session: Session, telegram_user_id: str | int) -> Account | None:
    user = user_by_telegram(session, telegram_user_id)
    return account_of(session, user) if user is not None else None


def _parse(data: str) -> tuple[str, int, str | None] | None:
    parts = data.split(":")
    if len(parts) not in (3, 4) or parts[0] != "op" or not parts[2].isdigit():
        return None
    if parts[1] not in operator_notices.ACTIONS:
        return None
    return parts[1], int(parts[2]), parts[3] if len(parts) == 4 else None
