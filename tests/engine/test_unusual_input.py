"""What is not plain Italian text: voice, photos, positions, empty messages, other languages."""

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Report
from bot.messages import Attachment, AttachmentKind
from tests.engine.conftest import Chat

PROBLEM = "mia nonna vive da sola e non esce più di casa da settimane"


def test_a_voice_message_is_not_understood_and_the_question_comes_back(consented: Chat) -> None:
    consented.say("devo fare una segnalazione")
    voice = Attachment(kind=AttachmentKind.VOICE, file_id="voice-1")

    assert consented.say("", attachments=(voice,)) == [
        "utter_cannot_read_media",
        "utter_ask_problem_text",
    ]


def test_a_sticker_outside_a_flow_is_not_understood(consented: Chat) -> None:
    sticker = Attachment(kind=AttachmentKind.STICKER, file_id="sticker-1")

    assert consented.say("", attachments=(sticker,)) == ["utter_cannot_read_media"]


def test_photos_during_a_report_go_with_the_report(consented: Chat, db: Database) -> None:
    consented.say("devo fare una segnalazione")

    assert consented.photo("photo-1") == ["utter_photo_received"]
    assert consented.photo("photo-2", caption=PROBLEM) == [
        "utter_photo_received",
        "utter_ask_comune",
    ]
    consented.say("bruino")
    consented.say("si")
    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
    assert report.photo_file_ids == ["photo-1", "photo-2"]
    assert report.text == PROBLEM


def test_a_photo_outside_a_flow_is_acknowledged(consented: Chat) -> None:
    assert consented.photo("photo-1") == ["utter_photo_received_outside_flow"]


def test_a_position_outside_a_flow_is_acknowledged(consented: Chat) -> None:
    assert consented.location(45.0, 7.5) == ["utter_location_outside_flow"]


def test_an_empty_message_gets_a_kind_word_and_the_question_again(consented: Chat) -> None:
    assert consented.say("   ") == ["utter_empty_message"]
    consented.say("devo fare una segnalazione")
    assert consented.say("\n") == ["utter_empty_message", "utter_ask_problem_text"]


def test_romanian_gets_the_romanian_variation(consented: Chat) -> None:
    [reply] = consented.send(consented.message("buna ziua am nevoie de ajutor"))

    assert reply.response == "utter_other_language"
    assert "Îmi pare rău" in reply.text


def test_a_short_arabic_message_is_recognised(consented: Chat) -> None:
    [reply] = consented.send(consented.message("مساعدة"))

    assert reply.response == "utter_other_language"
    assert reply.text == "Scrivo solo in italiano, per ora."


def test_a_very_long_message_is_taken_whole(consented: Chat, db: Database) -> None:
    long_text = ("mia nonna vive da sola <b>e</b> '; drop table reports; -- " * 100).strip()
    consented.say("devo fare una segnalazione")

    assert consented.say(long_text) == ["utter_ask_comune"]
    consented.say("bruino")
    consented.say("si")
    with db.unit_of_work() as session:
        assert session.scalars(select(Report.text)).one() == long_text
