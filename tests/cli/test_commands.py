"""`antenna db` and `antenna privacy`, run as a coordinator would, on a real SQLite file."""

import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot.cli import main
from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import Event, OutboxMessage, Person, Registration, Report
from bot.db.types import utcnow
from bot.services import events, people

KEY = "a-key-for-the-tests"


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The antenna's settings point at a fresh data dir; no .env of the developer is read."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'antenna.db'}")
    monkeypatch.setenv("PSEUDONYM_KEY", KEY)
    return tmp_path


@pytest.fixture
def records(environment: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{environment / 'antenna.db'}")
    upgrade(database.engine)
    yield database
    database.dispose()


def _person(database: Database, channel: str, user_id: str) -> int:
    with database.unit_of_work() as session:
        person = Person(
            channel=channel,
            pseudonym=people.pseudonym(KEY, channel, user_id),
            address=user_id,
            consent_at=utcnow(),
        )
        session.add(person)
        session.flush()
        return person.id


def test_db_upgrade_creates_the_schema(
    environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0

    assert "up to date" in capsys.readouterr().out
    database = Database(f"sqlite:///{environment / 'antenna.db'}")
    assert {"people", "reports", "outbox"} <= set(inspect(database.engine).get_table_names())
    database.dispose()


def test_an_unreachable_database_is_said_in_plain_words(
    environment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://nobody:secret@127.0.0.1:{port}/x")

    assert main(["db", "upgrade"]) == 1

    error = capsys.readouterr().err
    assert "the database could not be used" in error
    assert "Traceback" not in error
    assert "secret" not in error


def test_export_prints_what_is_kept_about_the_person(
    records: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    person_id = _person(records, "telegram", "424242")
    with records.unit_of_work() as session:
        session.add(
            Report(
                reference="2026-0007",
                person_id=person_id,
                text="la panchina del parco è rotta",
                category="public_spaces",
                urgency="low",
                comune="Bruino",
                queue="spazi_pubblici_bruino",
            )
        )

    assert main(["privacy", "export", "--channel", "telegram", "--user", "424242"]) == 0

    output = capsys.readouterr().out
    assert "2026-0007" in output
    assert "la panchina del parco è rotta" in output
    # The platform's id is not among what we keep: only its pseudonym is.
    assert "424242" not in output.replace('"address": "424242"', "")


def test_export_of_someone_unknown_says_so(
    records: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["privacy", "export", "--channel", "whatsapp", "--user", "393331234567"]) == 1

    assert "nobody with id 393331234567 has written on whatsapp" in capsys.readouterr().err


def test_erase_removes_the_person_and_hands_their_place_to_the_waiting_list(
    records: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    leaving = _person(records, "telegram", "1001")
    waiting = _person(records, "telegram", "1002")
    with records.unit_of_work() as session:
        event = Event(
            kind="focus_group",
            title="Focus group sulla casa",
            comune="Orbassano",
            starts_at=utcnow() + timedelta(days=3),
            capacity=1,
        )
        session.add(event)
        session.flush()
        event_id = event.id
        events.register(session, event_id, leaving)
        assert events.register(session, event_id, waiting).status == events.WAITLIST

    assert main(["privacy", "erase", "--channel", "telegram", "--user", "1001", "--yes"]) == 0

    assert "Erased" in capsys.readouterr().out
    with records.unit_of_work() as session:
        assert session.get(Person, leaving) is None
        status = session.scalar(
            select(Registration.status).where(Registration.person_id == waiting)
        )
        assert status == events.CONFIRMED
        told = session.scalars(
            select(OutboxMessage).where(OutboxMessage.person_id == waiting)
        ).all()
        assert [row.payload.get("response") for row in told] == ["utter_waitlist_promoted"]


def test_erase_asks_before_doing_what_cannot_be_undone(
    records: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    person_id = _person(records, "telegram", "2002")

    assert main(["privacy", "erase", "--channel", "telegram", "--user", "2002"]) == 1

    assert "--yes" in capsys.readouterr().err
    with records.unit_of_work() as session:
        assert session.get(Person, person_id) is not None


def test_serve_on_a_busy_port_says_so_at_once(
    environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        assert main(["serve", "--port", str(port)]) == 1

    error = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in error
    assert "--port" in error


def test_nlu_parse_shows_what_is_understood(
    environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["nlu", "parse", "mia nonna a orbassano non esce piu di casa da sola"]) == 0

    [line] = capsys.readouterr().out.splitlines()
    parsed = json.loads(line)
    assert parsed["intent"]["name"] == "report_problem"
    assert parsed["triage"]["category"]["name"] == "elderly_care"
    assert {"entity": "comune", "value": "Orbassano"}.items() <= parsed["entities"][0].items()
