"""`antenna broadcast` and `antenna campaign` at the terminal."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.db.database import Database
from bot.db.models import Person
from bot.services import people
from tests.campaigns.conftest import account, citizen, queued, subscriber
from tests.channels.sender_process import database_url


@pytest.fixture
def terminal(
    db: Database, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Database:
    schema = (
        request.getfixturevalue("postgres_schema")
        if db.engine.dialect.name == "postgresql"
        else None
    )
    monkeypatch.setenv("DATABASE_URL", database_url(db, schema))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PSEUDONYM_KEY", "test-key")
    monkeypatch.setenv("QUIET_HOURS_START", "00:00")  # whatever the hour the tests run at
    monkeypatch.setenv("QUIET_HOURS_END", "00:00")
    with db.unit_of_work() as session:
        subscriber(session, "anna", ["events"], "Orbassano")
        subscriber(session, "bruno", ["events"], "Bruino")
        account(session, "giulia", "community_leader")
        account(session, "coordina", "coordinator")
    return db


def test_create_preview_approve_send_and_report(
    terminal: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["broadcast", "reach", "giulia", "--town", "Orbassano", "--topic", "events"]) == 0
    code = main(
        [
            "broadcast",
            "create",
            "Sabato festa!",
            "--as",
            "giulia",
            "--topic",
            "events",
            "--town",
            "Orbassano",
        ]
    )
    assert code == 0
    number = _created(capsys)
    assert main(["broadcast", "preview", number]) == 0
    shown = capsys.readouterr().out
    assert "Recipients: 1 (telegram 1)" in shown
    assert "Per non ricevere più messaggi scrivi STOP" in shown
    assert "awaiting_approval" in shown
    assert main(["broadcast", "send", number, "--as", "giulia"]) == 1
    assert "approvazione" in capsys.readouterr().err
    assert main(["broadcast", "approve", number, "--as", "coordina"]) == 0
    assert main(["broadcast", "send", number, "--as", "giulia"]) == 0
    assert "1 messages queued now" in capsys.readouterr().out
    assert main(["broadcast", "send", number, "--as", "giulia"]) == 0
    assert "0 messages queued now, 1 in all" in capsys.readouterr().out
    assert [row.address for row in queued(terminal)] == ["chat-anna"]
    assert main(["broadcast", "report", number]) == 0
    assert "1 queued, 0 sent" in capsys.readouterr().out


def test_a_leader_is_told_which_towns_they_may_reach(
    terminal: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["broadcast", "reach", "giulia", "--town", "Orbassano", "--topic", "events"])
    capsys.readouterr()
    code = main(
        ["broadcast", "create", "Festa", "--as", "giulia", "--topic", "events", "--town", "Bruino"]
    )
    assert code == 1
    assert "Non puoi scrivere a Bruino: puoi scrivere a Orbassano" in capsys.readouterr().err


def _created(capsys: pytest.CaptureFixture[str]) -> str:
    match = re.search(r"Announcement (\d+) created", capsys.readouterr().out)
    assert match
    return match[1]


def test_a_send_time_in_rome(terminal: Database, capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "broadcast",
            "create",
            "Festa",
            "--as",
            "coordina",
            "--topic",
            "events",
            "--at",
            "2030-06-01 09:30",
        ]
    )
    assert main(["broadcast", "send", _created(capsys), "--as", "coordina"]) == 0
    assert "will go out at 2030-06-01 09:30 (Rome)" in capsys.readouterr().out
    assert queued(terminal) == []
    assert (
        main(
            ["broadcast", "create", "x", "--as", "coordina", "--topic", "events", "--at", "domani"]
        )
        == 1
    )


def test_campaigns_are_listed_paused_and_resumed(
    terminal: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["campaign", "pause", "weekly_checkin"]) == 0
    assert "nothing new is queued" in capsys.readouterr().out
    assert main(["campaign", "list"]) == 0
    listing = capsys.readouterr().out
    line = next(line for line in listing.splitlines() if line.startswith("weekly_checkin"))
    assert "paused since" in line
    assert main(["campaign", "resume", "weekly_checkin"]) == 0
    main(["campaign", "list"])
    assert "weekly_checkin   active" in capsys.readouterr().out


def test_a_persons_check_in_is_turned_on(terminal: Database) -> None:
    with terminal.unit_of_work() as session:
        citizen(session, "tg", channel="telegram").pseudonym = people.pseudonym(
            "test-key", "telegram", "4242"
        )
    assert main(["campaign", "checkin", "on", "--channel", "telegram", "--user", "4242"]) == 0
    with terminal.unit_of_work() as session:
        assert session.scalars(
            select(Person.weekly_checkin).where(Person.address == "chat-tg")
        ).one()
    assert main(["campaign", "checkin", "on", "--channel", "telegram", "--user", "999"]) == 1
