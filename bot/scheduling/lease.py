"""One campaign timer per database: a lease row says which process holds it, until when.

A lease row rather than PostgreSQL's advisory locks, so that SQLite deployments are guarded the
same way, and so that a process that died (kill -9, a lost machine) is taken over by a standby
as soon as its lease lapses, without anyone cleaning up after it.
"""

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import SchedulerLease

CAMPAIGN_TIMER = "campaigns"


def holder_name() -> str:
    """Who this process is, readable in the table: host, pid and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def hold(session: Session, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease; False while another process holds a lease still running."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(SchedulerLease)
        .values(name=CAMPAIGN_TIMER, holder=holder, acquired_at=now, expires_at=now + ttl)
        .on_conflict_do_nothing(index_elements=[SchedulerLease.name])
    )
    lease = session.scalars(
        select(SchedulerLease).where(SchedulerLease.name == CAMPAIGN_TIMER).with_for_update()
    ).one()
    if lease.holder != holder:
        if lease.expires_at > now:
            return False
        lease.holder = holder
        lease.acquired_at = now
    lease.expires_at = now + ttl
    return True


def release(session: Session, holder: str, now: datetime) -> None:
    """Let a standby take over at once instead of waiting for the lease to lapse."""
    session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == CAMPAIGN_TIMER, SchedulerLease.holder == holder)
        .values(expires_at=now)
    )
