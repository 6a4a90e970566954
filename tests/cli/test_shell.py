"""`antenna shell`: the same conversation in a terminal, buttons pressed by their number."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.shell import run_shell
from bot.db.database import Database
from bot.db.models import Person
from bot.engine import Assistant
from bot.nlu import NluPipeline
from bot.settings import Settings


@pytest.fixture
def assistant(db: Database, nlu: NluPipeline, tmp_path: Path) -> Assistant:
    settings = Settings(data_dir=tmp_path / "var", pseudonym_key="shell-tests")
    return Assistant(db, nlu, settings.project_root, settings)


def _chat(assistant: Assistant, lines: list[str]) -> str:
    """What the terminal shows when these lines are typed, then Ctrl-D."""
    typed = iter(lines)

    def prompt(_prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    run_shell(assistant, "ada", out, prompt=prompt)
    return out.getvalue()


def _shows(assistant: Assistant, response: str, shown: str) -> bool:
    return any(v.text in shown for v in assistant.content.responses.variations(response))


def test_a_number_presses_the_button_of_the_last_message(
    assistant: Assistant, db: Database
) -> None:
    shown = _chat(assistant, ["buongiorno", "1"])

    assert "  [1] Accetto\n  [2] Non accetto\n" in shown
    assert _shows(assistant, "utter_consent_thanks", shown)
    with db.unit_of_work() as session:
        person = session.scalars(select(Person)).one()
        assert person.channel == "shell"
        assert person.consent_at is not None


def test_a_position_is_sent_with_an_at_sign(assistant: Assistant) -> None:
    shown = _chat(assistant, ["ciao", "1", "@45.0073,7.5366"])

    assert _shows(assistant, "utter_location_outside_flow", shown)
