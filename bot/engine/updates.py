"""Platform updates already handled: a webhook the platform retries is answered once."""

from sqlalchemy import Insert, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import ProcessedUpdate


def _claim(insert: type[postgresql.Insert] | type[sqlite.Insert]) -> Insert:
    return (
        insert(ProcessedUpdate)
        .values(channel=bindparam("channel"), external_id=bindparam("external_id"))
        .on_conflict_do_nothing(
            index_elements=[ProcessedUpdate.channel, ProcessedUpdate.external_id]
        )
        .returning(ProcessedUpdate.id)
    )


# Built once per dialect: every turn runs it.
_CLAIMS = {"postgresql": _claim(postgresql.Insert), "sqlite": _claim(sqlite.Insert)}


def claim_update(session: Session, channel: str, external_id: str) -> bool:
    """Record the update in the turn's transaction; False when it was already handled.

    On PostgreSQL a second copy arriving while the first is still being handled waits for it
    on the unique index, then finds it done.
    """
    statement = _CLAIMS[session.get_bind().dialect.name]
    parameters = {"channel": str(channel), "external_id": external_id}
    return session.execute(statement, parameters).first() is not None
