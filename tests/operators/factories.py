"""Rows the operators' tests start from: people who consented, reports, console accounts."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import OutboxMessage, Person, Report, User
from bot.services import accounts
from bot.services.accounts import Account
from bot.services.operator_setup import OperatorSetup
from bot.services.reports import create_report

# A Tuesday morning in Rome, office hours: 10:00 local.
TUESDAY_10 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PASSWORD = "una-password-lunga"


def person(
    session: Session,
    name: str = "maria",
    channel: str = "telegram",
    *,
    last_inbound_at: datetime | None = TUESDAY_10,
    template_opt_in: bool = False,
) -> Person:
    row = Person(
        channel=channel,
        pseudonym=f"pseudo-{name}",
        address=f"chat-{name}",
        consent_at=TUESDAY_10,
        consent_version="v1",
        last_inbound_at=last_inbound_at,
        template_opt_in=template_opt_in,
    )
    session.add(row)
    session.flush()
    return row


def report(
    session: Session,
    setup: OperatorSetup,
    who: Person | None,
    text: str = "Mia madre ha 85 anni, vive sola e non riesce più a fare la spesa",
    *,
    category: str = "elderly_care",
    urgency: str = "medium",
    comune: str | None = "Orbassano",
    now: datetime = TUESDAY_10,
) -> Report:
    return create_report(
        session,
        person_id=who.id if who else None,
        text=text,
        category=category,
        urgency=urgency,
        comune=comune,
        routing=setup.routing,
        now=now,
    )


def user(
    session: Session,
    username: str,
    role: str = accounts.OPERATOR,
    queues: tuple[str, ...] = (),
    *,
    telegram: str | None = None,
    display_name: str | None = None,
) -> Account:
    row = accounts.create_user(
        session,
        username=username,
        display_name=display_name or username.capitalize(),
        role=role,
        password=PASSWORD,
        queues=queues,
        telegram_user_id=telegram,
    )
    return accounts.account_of(session, row)


def user_row(session: Session, username: str) -> User:
    found = accounts.find_user(session, username)
    assert found is not None
    return found


def outbox_to(session: Session, address: str) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.address == address).order_by(OutboxMessage.id)
        )
    )


def responses_to(session: Session, address: str) -> list[str | None]:
    return [row.payload.get("response") for row in outbox_to(session, address)]


def texts_to(session: Session, address: str) -> list[str]:
    return [row.payload["text"] for row in outbox_to(session, address)]
