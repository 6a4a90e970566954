"""What an operator does with a report: take it in charge, answer the citizen, write internal
notes, hand it to another queue, correct its triage, close it with an outcome.

Each action checks that the operator may see the report's queue, writes the audit log, tells
the citizen and the operators' groups what they need to know, and leaves the transaction to
the caller (one unit of work per request or per button press).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import yaml
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.db.models import (
    Handoff,
    Message,
    OperatorMessage,
    Person,
    Report,
    ReportNote,
    TriageCorrection,
    User,
)
from bot.db.types import utcnow
from bot.services import audit, handoff, operator_notices
from bot.services.accounts import Account
from bot.services.cases import case_of, operator_of
from bot.services.handoff import Reach
from bot.services.operator_setup import OperatorSetup
from bot.services.routing import URGENCIES

NEW, TAKEN, CLOSED = "new", "taken", "closed"
STATUSES = (NEW, TAKEN, CLOSED)
OUTCOMES = ("resolved", "referred", "no_reply", "not_ours", "duplicate")
CATEGORIES = (
    "loneliness", "elderly_care", "family_minors", "disability", "work", "housing", "poverty",
    "health", "addiction", "migrants_integration", "neighbourhood", "public_spaces",
    "violence", "other",
)  # fmt: skip
MAX_TEXT = 4000
# The messages just before a report are the conversation that led to it.
LEAD_IN = timedelta(hours=2)


class CaseworkError(Exception):
    """An action that cannot be done; the message says why, for the operator."""


class NotVisible(CaseworkError):
    """No such report for this operator: it does not exist, or it is another queue's."""

    def __init__(self) -> None:
        super().__init__("Segnalazione non trovata.")


def visible_report(session: Session, actor: Account, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None or not actor.handles_reports or not actor.can_see_queue(report.queue):
        raise NotVisible()
    return report


def take_in_charge(
    session: Session,
    setup: OperatorSetup,
    actor: Account,
    report_id: int,
    now: datetime | None = None,
) -> Report:
    now = now or utcnow()
    report = visible_report(session, actor, report_id)
    _refuse_closed(report)
    current = operator_of(session, report.id)
    if report.status == TAKEN and current is not None:
        if current.id == actor.id:
            return report
        raise CaseworkError(f"La segnalazione è già in carico a {current.display_name}.")
    _take(session, setup, actor, report, now)
    return report


def answer(
    session: Session,
    setup: OperatorSetup,
    actor: Account,
    report_id: int,
    text: str,
    now: datetime | None = None,
) -> Reach:
    """Write to the citizen on their own channel; the bot steps aside until the report closes.

    Answering a report nobody has taken takes it in charge.
    """
    now = now or utcnow()
    text = _text(text, "la risposta")
    report = visible_report(session, actor, report_id)
    _refuse_closed(report)
    current = operator_of(session, report.id)
    if report.status == TAKEN and current is not None and current.id != actor.id:
        if not actor.sees_every_queue:
            raise CaseworkError(f"La segnalazione è in carico a {current.display_name}.")
        case_of(session, report.id).operator_id = actor.id
    if report.status == NEW:
        _take(session, setup, actor, report, now)
    message = setup.texts.message(
        "utter_operator_answer",
        _channel(session, report),
        operator=actor.display_name,
        queue=setup.queue_name(report.queue),
        text=text,
    )
    reach = handoff.send_to_citizen(session, report, message, operator_id=actor.id, now=now)
    if reach is Reach.GONE:
        raise CaseworkError("La persona ha cancellato i suoi dati: non le si può più scrivere.")
    handoff.open_handoff(session, report, actor.id, now)
    audit.record(session, actor, "answer", report_id=report.id, now=now, characters=len(text))
    return reach


def add_note(
    session: Session, actor: Account, report_id: int, text: str, now: datetime | None = None
) -> ReportNote:
    """An internal note: the operators read it, the citizen never does."""
    now = now or utcnow()
    report = visible_report(session, actor, report_id)
    note = ReportNote(
        report_id=report.id, author_id=actor.id, text=_text(text, "la nota"), created_at=now
    )
    session.add(note)
    audit.record(session, actor, "note", report_id=report.id, now=now)
    return note


def reassign(
    session: Session,
    setup: OperatorSetup,
    actor: Account,
    report_id: int,
    queue: str,
    now: datetime | None = None,
) -> Report:
    """Hand the report over to another queue: it waits there to be taken in charge again."""
    now = now or utcnow()
    report = visible_report(session, actor, report_id)
    _refuse_closed(report)
    try:
        target = setup.routing.queue(queue)
    except KeyError:
        raise CaseworkError("Questa coda non esiste.") from None
    if target.id == report.queue:
        raise CaseworkError("La segnalazione è già in questa coda.")
    previous = report.queue
    operator_notices.announce(
        session, setup, report, "utter_operator_reassigned", now,
        operator=actor.display_name, target=target.name,
    )  # fmt: skip
    report.queue = target.id
    report.status = NEW
    report.taken_at = None
    report.updated_at = now
    case = case_of(session, report.id)
    case.operator_id = None
    case.alerts_sent = 0
    handoff.close_handoffs(session, report.id, now)
    audit.record(
        session, actor, "reassign", report_id=report.id, now=now, source=previous, target=target.id
    )
    handoff.send_to_citizen(
        session,
        report,
        setup.texts.message(
            "utter_report_reassigned",
            _channel(session, report),
            reference=report.reference,
            operators=target.operators,
        ),
        operator_id=None,
        now=now,
    )
    operator_notices.post_report_alert(session, setup, report, now)
    return report


def correct_triage(
    session: Session,
    setup: OperatorSetup,
    actor: Account,
    report_id: int,
    *,
    category: str | None = None,
    urgency: str | None = None,
    reroute: bool = True,
    now: datetime | None = None,
) -> list[TriageCorrection]:
    """Fix what the NLU got wrong; each fix becomes a training example to export.

    With `reroute`, a report whose corrected triage belongs to another queue moves there.
    """
    now = now or utcnow()
    report = visible_report(session, actor, report_id)
    if category is not None and category not in CATEGORIES:
        raise CaseworkError("Questa categoria non esiste.")
    if urgency is not None and urgency not in URGENCIES:
        raise CaseworkError("L'urgenza è alta, media o bassa.")
    corrections = []
    for field, value in (("category", category), ("urgency", urgency)):
        old = getattr(report, field)
        if value is None or value == old:
            continue
        setattr(report, field, value)
        corrections.append(
            TriageCorrection(
                report_id=report.id,
                user_id=actor.id,
                field=field,
                old_value=old,
                new_value=value,
                created_at=now,
            )
        )
        audit.record(
            session, actor, "correct", report_id=report.id, now=now, field=field, old=old, new=value
        )
    session.add_all(corrections)
    if not corrections or report.status == CLOSED:
        return corrections
    report.updated_at = now
    target = setup.routing.route(report.category, report.urgency, report.comune)
    if reroute and target.id != report.queue:
        reassign(session, setup, actor, report.id, target.id, now)
    elif urgency == "high" and report.status == NEW:
        case_of(session, report.id).alerts_sent = 0
        operator_notices.post_report_alert(session, setup, report, now)
    return corrections


def close(
    session: Session,
    setup: OperatorSetup,
    actor: Account,
    report_id: int,
    outcome: str,
    note: str = "",
    now: datetime | None = None,
) -> Report:
    """Close with an outcome: the citizen is told, and the bot answers them again."""
    now = now or utcnow()
    report = visible_report(session, actor, report_id)
    _refuse_closed(report)
    if outcome not in OUTCOMES:
        raise CaseworkError("Scegli com'è andata a finire.")
    if note.strip():
        add_note(session, actor, report.id, note, now)
    if report.taken_at is None:
        report.taken_at = now
    report.status = CLOSED
    report.outcome = outcome
    report.closed_at = now
    report.updated_at = now
    handoff.close_handoffs(session, report.id, now)
    audit.record(session, actor, "close", report_id=report.id, now=now, outcome=outcome)
    handoff.send_to_citizen(
        session,
        report,
        setup.texts.message(
            "utter_report_closed", _channel(session, report), reference=report.reference
        ),
        operator_id=None,
        now=now,
    )
    operator_notices.announce(
        session, setup, report, "utter_operator_closed", now,
        operator=actor.display_name, outcome=setup.texts.label("outcome", outcome),
    )  # fmt: skip
    return report


@dataclass(frozen=True)
class Line:
    """One message of a report's conversation, as the operator reads it."""

    at: datetime
    direction: str  # "in" from the citizen, "out" to them
    text: str
    # Who wrote an outgoing message: an operator's name, "" for the side's own notices,
    # None for the bot.
    author: str | None
    in_report: bool


def conversation(session: Session, report: Report, limit: int = 500) -> list[Line]:
    """The conversation that led to the report, and everything said about it since."""
    if report.person_id is None:
        return []
    # Unlinked messages count while the report was being written and while a handoff was open.
    spans: list[tuple[datetime, datetime | None]] = [
        (report.created_at - LEAD_IN, report.created_at + timedelta(minutes=10))
    ]
    spans += [
        (opened, closed)
        for opened, closed in session.execute(
            select(Handoff.opened_at, Handoff.closed_at).where(Handoff.report_id == report.id)
        )
    ]
    during = [
        and_(Message.created_at >= start, Message.created_at <= end)
        if end is not None
        else Message.created_at >= start
        for start, end in spans
    ]
    rows = session.execute(
        select(Message, OperatorMessage, User.display_name)
        .outerjoin(OperatorMessage, OperatorMessage.message_id == Message.id)
        .outerjoin(User, User.id == OperatorMessage.operator_id)
        .where(
            Message.person_id == report.person_id,
            or_(
                Message.report_id == report.id,
                and_(Message.report_id.is_(None), or_(*during)),
            ),
        )
        .order_by(Message.created_at, Message.id)
        .limit(limit)
    ).all()
    return [
        Line(
            at=message.created_at,
            direction=message.direction,
            text=message.text,
            author=(name or "") if marker is not None else None,
            in_report=message.report_id == report.id,
        )
        for message, marker, name in rows
    ]


def notes(session: Session, report_id: int) -> Sequence[tuple[ReportNote, str | None]]:
    rows = session.execute(
        select(ReportNote, User.display_name)
        .outerjoin(User, User.id == ReportNote.author_id)
        .where(ReportNote.report_id == report_id)
        .order_by(ReportNote.created_at, ReportNote.id)
    ).all()
    return [(note, name) for note, name in rows]


def export_corrections(session: Session, since: datetime | None = None) -> str:
    """The corrected reports as Rasa NLU training examples, in nlu/reports/'s long form.

    One example per report, with its triage as it stands now. Report texts are people's own
    words: whoever adds them to nlu/ must first take out names, addresses and phone numbers.
    """
    query = (
        select(Report)
        .where(Report.id.in_(select(TriageCorrection.report_id).distinct()))
        .order_by(Report.id)
    )
    if since is not None:
        query = query.where(
            Report.id.in_(
                select(TriageCorrection.report_id).where(TriageCorrection.created_at >= since)
            )
        )
    examples = [
        {
            "text": report.text.strip() + "\n",
            "metadata": {"category": report.category, "urgency": report.urgency},
        }
        for report in session.scalars(query)
        if report.text.strip()
    ]
    document = {"version": "3.1", "nlu": [{"intent": "report_problem", "examples": examples}]}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _take(
    session: Session, setup: OperatorSetup, actor: Account, report: Report, now: datetime
) -> None:
    report.status = TAKEN
    report.taken_at = now
    report.updated_at = now
    case_of(session, report.id).operator_id = actor.id
    audit.record(session, actor, "take", report_id=report.id, now=now)
    handoff.send_to_citizen(
        session,
        report,
        setup.texts.message(
            "utter_report_taken",
            _channel(session, report),
            reference=report.reference,
            operator=actor.display_name,
            operators=setup.routing.queue(report.queue).operators,
        ),
        operator_id=None,
        now=now,
    )
    operator_notices.announce(
        session, setup, report, "utter_operator_taken", now, operator=actor.display_name
    )


def _refuse_closed(report: Report) -> None:
    if report.status == CLOSED:
        raise CaseworkError("La segnalazione è chiusa.")


def _text(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise CaseworkError(f"Scrivi {what} prima di inviare.")
    if len(text) > MAX_TEXT:
        raise CaseworkError(f"Il testo è troppo lungo: al massimo {MAX_TEXT} caratteri.")
    return text


def _channel(session: Session, report: Report) -> str:
    person = session.get(Person, report.person_id) if report.person_id is not None else None
    return person.channel if person is not None else "web"
