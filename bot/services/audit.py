"""The audit log: who did what, when, for every operator action and every escalation.

An entry names the action and the report, never what anybody wrote: a note, an answer or a
report text stays where it belongs (and is erased with the person), the log stays forever.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import AuditEntry
from bot.db.types import utcnow
from bot.services.accounts import Account

# What the antenna does by itself (an escalation, a reminder) is logged under this name.
SYSTEM_ACTOR = "sistema"


def record(
    session: Session,
    actor: Account | None,
    action: str,
    *,
    report_id: int | None = None,
    now: datetime | None = None,
    **detail: str | int | None,
) -> AuditEntry:
    entry = AuditEntry(
        user_id=actor.id if actor else None,
        actor=actor.username if actor else SYSTEM_ACTOR,
        action=action,
        report_id=report_id,
        detail={key: value for key, value in detail.items() if value is not None},
        created_at=now or utcnow(),
    )
    session.add(entry)
    return entry


def entries(
    session: Session,
    *,
    report_id: int | None = None,
    limit: int = 200,
    before_id: int | None = None,
) -> Sequence[AuditEntry]:
    """The newest entries first; `before_id` pages back through older ones."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if report_id is not None:
        query = query.where(AuditEntry.report_id == report_id)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return session.scalars(query).all()
