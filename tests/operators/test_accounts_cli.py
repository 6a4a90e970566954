"""`antenna users add|passwd`, and the demo accounts `antenna serve` prints on first start."""

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.demo import load_demo_accounts
from bot.services import accounts
from bot.services.operator_setup import OperatorSetup

_PASSWORD = re.compile(r"shown only now: (\S+)")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    url = f"sqlite:///{tmp_path / 'antenna.db'}"
    database = Database(url)
    upgrade(database.engine)
    monkeypatch.setenv("DATABASE_URL", url)
    return database


def password_in(output: str) -> str:
    found = _PASSWORD.search(output)
    assert found is not None, output
    return found[1]


def test_add_then_change_a_password(database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "add", "m.rossi", "--name", "Maria Rossi", "--queue", "lavoro_casa"]) == 0
    first = password_in(capsys.readouterr().out)
    assert main(["users", "passwd", "m.rossi"]) == 0
    second = password_in(capsys.readouterr().out)
    with database.unit_of_work() as session:
        assert accounts.authenticate(session, "m.rossi", first) is None
        user = accounts.authenticate(session, "m.rossi", second)
        assert user is not None and user.display_name == "Maria Rossi"
        assert accounts.queues_of(session, user.id) == frozenset({"lavoro_casa"})


def test_mistakes_are_told_in_plain_words(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["users", "add", "m.rossi", "--name", "Maria", "--queue", "nessuna"]) == 1
    assert "nessuna" in capsys.readouterr().err
    assert main(["users", "passwd", "nessuno"]) == 1
    assert "no account nessuno" in capsys.readouterr().err


def test_the_demo_has_a_coordinator_and_an_operator_per_queue(
    db: Database, setup: OperatorSetup
) -> None:
    made = load_demo_accounts(db, setup.routing)
    assert load_demo_accounts(db, setup.routing) == []
    roles = [account.role for account in made]
    assert roles.count("coordinator") == 1
    assert sorted(a.queue for a in made if a.role == "operator") == sorted(
        queue.id for queue in setup.routing.queues
    )
    assert len({account.password for account in made}) == len(made)
    operator = next(a for a in made if a.queue == "lavoro_casa")
    with db.unit_of_work() as session:
        user = accounts.authenticate(session, operator.username, operator.password)
        assert user is not None
        assert accounts.queues_of(session, user.id) == frozenset({"lavoro_casa"})
