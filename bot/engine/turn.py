"""The unit of work of the turn being handled, for the actions that need it.

rasa_sdk fixes `run(dispatcher, tracker, domain)`, so the engine hands its Session over through a
context variable. Actions use it as a context manager:

    with current_session() as session:
        create_report(session, ...)

Inside the engine that is the turn's own transaction (committed with the turn, together with
the replies and the conversation state). Under the rasa_sdk action server, where no turn is
running, it is a unit of work of its own on the database of the Settings.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.orm import Session

from bot.db.database import Database
from bot.settings import Settings

_turn_session: ContextVar[Session | None] = ContextVar("turn_session", default=None)
_standalone: Database | None = None
_standalone_lock = threading.Lock()


@contextmanager
def current_session() -> Iterator[Session]:
    session = _turn_session.get()
    if session is not None:
        # Not closed nor committed here: the turn does that, with everything else it wrote.
        yield session
        return
    with _standalone_database().unit_of_work() as own:
        yield own


@contextmanager
def turn_session(session: Session) -> Iterator[None]:
    """Make the engine's Session the one actions get, for the duration of the turn."""
    token = _turn_session.set(session)
    try:
        yield
    finally:
        _turn_session.reset(token)


def _standalone_database() -> Database:
    global _standalone
    with _standalone_lock:
        if _standalone is None:
            _standalone = Database(Settings().resolved_database_url())
        return _standalone
