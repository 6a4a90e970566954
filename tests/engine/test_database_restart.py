"""The database restarts between two messages: the next turn reconnects and goes on."""

import pytest
from sqlalchemy import select, text

from bot.db.database import Database
from bot.db.models import Message, Report
from tests.conftest import POSTGRES_URL, postgres_application
from tests.engine.conftest import Chat

PROBLEM = "mia nonna vive da sola e non esce più di casa da settimane"


def drop_every_connection(schema: str) -> int:
    """What a restart of PostgreSQL does to the pooled connections of this run."""
    admin = Database(POSTGRES_URL)
    try:
        with admin.engine.begin() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name"
                    ),
                    {"name": postgres_application(schema)},
                ).all()
            )
    finally:
        admin.dispose()


def test_a_turn_after_a_database_restart_is_answered_and_loses_nothing(
    consented: Chat, db: Database, request: pytest.FixtureRequest
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite is a file in the process: there is no server to restart")
    consented.say("devo fare una segnalazione")
    consented.say(PROBLEM)
    assert drop_every_connection(request.getfixturevalue("postgres_schema")) >= 1

    assert consented.say("bruino") == ["utter_ask_report_confirmed"]
    assert consented.say("si") == ["utter_report_submitted"]

    with db.unit_of_work() as session:
        [report] = session.scalars(select(Report)).all()
        said = session.scalars(
            select(Message.text).where(Message.direction == "in").order_by(Message.id)
        ).all()
    assert (report.comune, report.text) == ("Bruino", PROBLEM)
    # Every message since the consent is in the transcript once: none lost, none doubled.
    assert said[-4:] == ["devo fare una segnalazione", PROBLEM, "bruino", "si"]
    assert len(said) == len(set(said))
