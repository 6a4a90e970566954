"""What the operators read on Telegram: alerts with buttons, reminders, notices, escalations.

Every one is an outbox row for a Telegram chat (an operators' group, or an operator's private
chat), written in the caller's transaction. The texts are `utter_operator_*` responses in
domain.yml; the buttons carry callback data such as `op:take:<report id>`, which
`operator_alerts.handle_operator_callback` reads back.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from babel.dates import format_timedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Person, Report, User
from bot.db.types import utcnow
from bot.messages import Button, Channel, OutgoingMessage
from bot.services import outbox
from bot.services.accounts import COORDINATOR
from bot.services.cases import case_of
from bot.services.operator_setup import OperatorSetup

SUMMARY_CHARACTERS = 600
ACTIONS = ("take", "answer", "reassign", "close")


def callback(action: str, report_id: int, argument: str | None = None) -> str:
    return f"op:{action}:{report_id}" if argument is None else f"op:{action}:{report_id}:{argument}"


def report_buttons(setup: OperatorSetup, report: Report) -> tuple[Button, ...]:
    return tuple(
        Button(setup.texts.label("operator_button", action), callback(action, report.id))
        for action in ACTIONS
    )


def describe(
    session: Session, setup: OperatorSetup, report: Report, now: datetime
) -> dict[str, str]:
    """The variables every operator text may use."""
    texts = setup.texts
    person = session.get(Person, report.person_id) if report.person_id is not None else None
    summary = report.text.strip()
    if len(summary) > SUMMARY_CHARACTERS:
        summary = summary[: SUMMARY_CHARACTERS - 1].rstrip() + "…"
    return {
        "reference": report.reference,
        "urgency": texts.label("urgency", report.urgency),
        "category": texts.label("category", report.category),
        "comune": report.comune or "non indicato",
        "queue": setup.queue_name(report.queue),
        "text": summary,
        "summary": summary,
        "age": age(report.created_at, now),
        "channel": texts.label("channel", person.channel) if person else "—",
    }


def age(since: datetime, now: datetime) -> str:
    """How long ago, in Italian words: "5 minuti fa", "3 ore fa", "2 giorni fa"."""
    return format_timedelta(-max(now - since, timedelta(0)), add_direction=True, locale="it")


def post_report_alert(
    session: Session, setup: OperatorSetup, report: Report, now: datetime | None = None
) -> int:
    """Post the report to its queue's groups (and, if urgent, to whoever is on call).

    The first alert of an urgent report uses `utter_operator_alert_high`; later ones are
    reminders, marked apart. Returns how many chats were written to.
    """
    now = now or utcnow()
    case = case_of(session, report.id)
    urgent = report.urgency == "high"
    first = case.alerts_sent == 0
    if not urgent:
        response = "utter_operator_alert_new"
    elif first:
        response = "utter_operator_alert_high"
    else:
        response = "utter_operator_alert_reminder"
    variables = describe(session, setup, report, now)
    buttons = report_buttons(setup, report)
    chats = list(setup.groups_for(report.queue))
    for chat in chats:
        _enqueue(session, chat, setup.texts.message(response, "telegram", buttons, **variables))
    if urgent:
        on_call = alert_on_call_operator(session, setup, report, now, skip=chats)
        chats += [on_call] if on_call else []
    case.alerts_sent += 1
    case.last_alert_at = now
    return len(chats)


def alert_on_call_operator(
    session: Session,
    setup: OperatorSetup,
    report: Report,
    now: datetime,
    skip: Iterable[str] = (),
) -> str | None:
    """Out of hours, whoever is on call hears of an urgent report in private; their chat."""
    chat = _on_call_chat(session, setup, now)
    if chat is None or chat in skip:
        return None
    variables = describe(session, setup, report, now)
    message = setup.texts.message(
        "utter_operator_alert_on_call", "telegram", report_buttons(setup, report), **variables
    )
    _enqueue(session, chat, message)
    return chat


def announce(
    session: Session,
    setup: OperatorSetup,
    report: Report,
    response: str,
    now: datetime | None = None,
    buttons: tuple[Button, ...] = (),
    **variables: str,
) -> None:
    """A notice to the report's queue groups: taken in charge, closed, handed over."""
    values = describe(session, setup, report, now or utcnow()) | variables
    for chat in setup.groups_for(report.queue):
        _enqueue(session, chat, setup.texts.message(response, "telegram", buttons, **values))


def tell_citizen_wrote(
    session: Session,
    setup: OperatorSetup,
    report: Report,
    operator: User | None,
    text: str,
    *,
    photos: int = 0,
    now: datetime | None = None,
) -> None:
    """The person answered: to the operator's own chat if linked, else to the queue's groups."""
    values = describe(session, setup, report, now or utcnow())
    values["text"] = text.strip() or setup.texts.label("operator", "photo_only")
    if photos:
        values["text"] += f" [{setup.texts.label('operator', 'photos')}: {photos}]"
    buttons = (
        Button(setup.texts.label("operator_button", "answer"), callback("answer", report.id)),
        Button(setup.texts.label("operator_button", "close"), callback("close", report.id)),
    )
    message = setup.texts.message("utter_operator_citizen_wrote", "telegram", buttons, **values)
    chats: Iterable[str] = (
        [operator.telegram_user_id]
        if operator is not None and operator.telegram_user_id
        else setup.groups_for(report.queue)
    )
    for chat in chats:
        _enqueue(session, chat, message)


def tell_coordinators_late(
    session: Session, setup: OperatorSetup, report: Report, deadline: datetime, now: datetime
) -> int:
    """A missed target, privately to every coordinator who linked Telegram."""
    chats = session.scalars(
        select(User.telegram_user_id).where(
            User.role == COORDINATOR, User.active.is_(True), User.telegram_user_id.is_not(None)
        )
    ).all()
    values = describe(session, setup, report, now)
    values["deadline"] = deadline.astimezone(setup.levels.calendar.zone).strftime("%d/%m %H:%M")
    message = setup.texts.message(
        "utter_operator_escalation", "telegram", report_buttons(setup, report), **values
    )
    for chat in chats:
        if chat:
            _enqueue(session, chat, message)
    return len(chats)


def send_to_chat(session: Session, chat: str, message: OutgoingMessage) -> None:
    _enqueue(session, chat, message)


def _enqueue(session: Session, chat: str, message: OutgoingMessage) -> None:
    outbox.enqueue(session, None, Channel.TELEGRAM, chat, message, priority=0)


def _on_call_chat(session: Session, setup: OperatorSetup, now: datetime) -> str | None:
    if not setup.on_call.off_hours(now):
        return None
    username = setup.on_call.on_duty(now)
    if username is None:
        return None
    return session.scalars(
        select(User.telegram_user_id).where(User.username == username, User.active.is_(True))
    ).first()
