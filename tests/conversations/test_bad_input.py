"""Whatever arrives, the person gets a clear, kind answer, nothing they said is lost, and the
conversation in progress is still there."""

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Message, Report
from tests.conversations.conftest import Person

HTML = '<script>alert("x")</script><b>la panchina</b> di via roma a bruino e rotta'
SQL = "'; DROP TABLE reports; -- la panchina di via roma a bruino e rotta"


def in_the_middle_of_a_report(maria: Person) -> None:
    maria.says("ciao")
    maria.taps("Segnalare un problema")
    assert maria.responses() == ["utter_ask_problem_text"]


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("", "utter_empty_message"),
        ("   \n  ", "utter_empty_message"),
        ("مرحبا، أحتاج إلى مساعدة لأن ليس لدي عمل", "utter_other_language"),
        ("buna ziua, am nevoie de ajutor pentru chirie, nu am bani", "utter_other_language"),
    ],
)
def test_empty_and_foreign_messages_get_a_kind_answer_and_the_question_again(
    maria: Person, text: str, response: str
) -> None:
    in_the_middle_of_a_report(maria)
    maria.says(text)
    assert maria.responses()[0] == response
    assert maria.last[0].text
    # Nothing was lost: the report is still waiting for its story.
    maria.says("mia zia a volvera e rimasta sola e non esce piu di casa")
    assert "a Volvera" in maria.last[-1].text


def test_arabic_is_answered_in_italian_and_in_arabic(maria: Person) -> None:
    answer = maria.says("مرحبا، أحتاج إلى مساعدة لأن ليس لدي عمل")
    assert "parlo solo italiano" in answer and "الإيطالية" in answer


def test_romanian_is_answered_in_italian_and_in_romanian(maria: Person) -> None:
    answer = maria.says("buna ziua, am nevoie de ajutor pentru chirie, nu am bani")
    assert "parlo solo italiano" in answer and "italiană" in answer


def test_emoji_only_is_not_a_crash(maria: Person) -> None:
    answer = maria.says("😢😢😢")
    assert answer and maria.responses() != ["utter_internal_error"]


def test_five_thousand_characters_are_kept_whole(maria: Person, db: Database) -> None:
    story = ("mio padre e anziano e vive da solo a orbassano, non mangia e non esce. " * 80)[:5000]
    summary = maria.says(story)
    # The summary repeats a short version; the report keeps every character.
    assert len(summary) < 1000 and "a Orbassano" in summary
    maria.says("si")
    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
        assert report.text == story and len(report.text) == 5000
        assert story in session.scalars(select(Message.text)).all()


@pytest.mark.parametrize("text", [HTML, SQL])
def test_html_and_sql_are_just_words(maria: Person, db: Database, text: str) -> None:
    maria.says(text)
    if "Va bene così" in maria.buttons():
        maria.taps("Va bene così")
    answer = maria.says("si")
    assert "segnalazione n." in answer
    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
        assert report.text == text and report.comune == "Bruino"


def test_a_voice_message_is_answered_kindly(maria: Person) -> None:
    in_the_middle_of_a_report(maria)
    maria.sends_voice()
    assert maria.responses()[0] == "utter_cannot_read_media"
    assert maria.responses()[-1] == "utter_ask_problem_text"
