"""The handoff: while an operator talks with a citizen, the bot steps aside and relays.

It opens when an operator first writes to the person about a report and closes when the report
is closed or handed to another queue. Meanwhile what the person writes goes to that operator
(and into the report's conversation) instead of into the flows; an urgent message still gets
the bot's emergency answer as well, so the numbers to call arrive even in the middle of a
handoff.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Handoff, Message, OperatorMessage, Person, Report, User
from bot.db.types import utcnow
from bot.messages import Attachment, AttachmentKind, Channel, OutgoingMessage
from bot.services import operator_notices, outbox
from bot.services.operator_setup import OperatorSetup

log = logging.getLogger(__name__)

# As the WhatsApp sender counts it: a message must still be inside the window when it arrives.
WHATSAPP_WINDOW = timedelta(hours=24) - timedelta(minutes=5)


class Reach(StrEnum):
    """What happens to a message for the citizen, as the operator is told."""

    SENT = "sent"
    # WhatsApp, more than 24 hours after the person last wrote: an approved template invites them
    # back, and the message goes as soon as they answer it.
    INVITED = "invited"
    # WhatsApp outside the window, and the person never agreed to templates: WhatsApp's rules
    # forbid sending it; it stays in the report's conversation.
    WAITING = "waiting"
    BLOCKED = "blocked"
    # The person erased their data: there is nobody to write to.
    GONE = "gone"


def reach_of(person: Person | None, now: datetime) -> Reach:
    if person is None or person.address is None or person.consent_at is None:
        return Reach.GONE
    if person.blocked_at is not None:
        return Reach.BLOCKED
    if person.channel == Channel.WHATSAPP and (
        person.last_inbound_at is None or now - person.last_inbound_at > WHATSAPP_WINDOW
    ):
        return Reach.INVITED if person.template_opt_in else Reach.WAITING
    return Reach.SENT


def send_to_citizen(
    session: Session,
    report: Report,
    message: OutgoingMessage,
    *,
    operator_id: int | None,
    now: datetime | None = None,
) -> Reach:
    """Into the report's conversation and the outbox of the person's own channel.

    The channel's delivery worker applies the platform's rules (WhatsApp's window and template),
    so the row is queued whatever the reach; the reach only tells the operator what to expect.
    """
    now = now or utcnow()
    person = session.get(Person, report.person_id) if report.person_id is not None else None
    reach = reach_of(person, now)
    if person is None or person.address is None or reach is Reach.GONE:
        return Reach.GONE
    line = Message(
        person_id=person.id, direction="out", text=message.text, report_id=report.id, created_at=now
    )
    session.add(line)
    session.flush()
    session.add(OperatorMessage(message_id=line.id, operator_id=operator_id))
    outbox.enqueue(session, person, person.channel, person.address, message, priority=0)
    return reach


def open_handoff(
    session: Session, report: Report, operator_id: int, now: datetime | None = None
) -> Handoff | None:
    """The bot steps aside for this person; one handoff at a time, the newest wins."""
    if report.person_id is None:
        return None
    now = now or utcnow()
    current = active_handoff(session, report.person_id)
    if current is not None and current.report_id == report.id:
        current.operator_id = operator_id
        return current
    if current is not None:
        current.closed_at = now
    handoff = Handoff(
        report_id=report.id, person_id=report.person_id, operator_id=operator_id, opened_at=now
    )
    session.add(handoff)
    session.flush()
    return handoff


def close_handoffs(session: Session, report_id: int, now: datetime | None = None) -> None:
    """The bot answers the person again."""
    session.execute(
        update(Handoff)
        .where(Handoff.report_id == report_id, Handoff.closed_at.is_(None))
        .values(closed_at=now or utcnow())
    )


def active_handoff(session: Session, person_id: int) -> Handoff | None:
    return session.scalars(
        select(Handoff)
        .where(Handoff.person_id == person_id, Handoff.closed_at.is_(None))
        .order_by(Handoff.id.desc())
        .limit(1)
    ).first()


def relay_to_operator(
    session: Session,
    setup: OperatorSetup,
    handoff: Handoff,
    person: Person,
    text: str,
    attachments: Sequence[Attachment] = (),
    now: datetime | None = None,
) -> bool:
    """Hand the person's message to the operator talking with them; False if that has ended.

    Photos join the report and the operator is told on Telegram. The caller records the
    message in the transcript as any other: the report's conversation shows what the person
    wrote while the handoff was open.
    """
    now = now or utcnow()
    report = session.get(Report, handoff.report_id)
    if report is None or report.status == "closed":
        handoff.closed_at = now
        return False
    photos = [a.file_id for a in attachments if a.kind == AttachmentKind.PHOTO and a.file_id]
    if photos:
        report.photo_file_ids = [*report.photo_file_ids, *photos]
    operator = session.get(User, handoff.operator_id) if handoff.operator_id else None
    operator_notices.tell_citizen_wrote(
        session, setup, report, operator, text, photos=len(photos), now=now
    )
    log.info(
        "report %s: person %s wrote to the operator (%d characters)",
        report.id,
        person.id,
        len(text),
    )
    return True
