"""Consent first: nothing a person writes is stored before they accept the privacy notice."""

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Conversation, Message, OutboxMessage, Person, Report
from bot.engine import Assistant
from bot.messages import Channel
from tests.engine.conftest import Chat


def count(db: Database, model: type) -> int:
    with db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def the_person(db: Database) -> Person:
    with db.unit_of_work() as session:
        return session.scalars(select(Person)).one()


def test_nothing_the_person_wrote_is_stored_before_consent(chat: Chat, db: Database) -> None:
    replies = chat.say("mia nonna è sola a bruino", first_name="Maria")

    assert replies == ["utter_privacy_notice"]
    assert count(db, Message) == 0
    assert count(db, Conversation) == 0
    assert count(db, Report) == 0
    person = the_person(db)
    assert person.consent_at is None
    assert person.first_name is None
    assert chat.user not in person.pseudonym
    with db.unit_of_work() as session:
        stored = session.scalars(select(OutboxMessage.payload)).all()
    assert [payload["response"] for payload in stored] == ["utter_privacy_notice"]
    assert "bruino" not in str(stored).lower()


def test_the_first_message_is_answered_right_after_consent(chat: Chat, db: Database) -> None:
    chat.say("vorrei segnalare una cosa a bruino")

    replies = chat.press("/affirm")

    assert replies == ["utter_consent_thanks", "utter_ask_problem_text"]
    person = the_person(db)
    assert person.consent_at is not None
    assert person.consent_version
    with db.unit_of_work() as session:
        said = session.scalars(select(Message.text).where(Message.direction == "in")).all()
    assert said == ["/affirm", "vorrei segnalare una cosa a bruino"]


def test_accepting_with_words_works_like_the_button(chat: Chat) -> None:
    chat.say("ciao")

    assert chat.say("ok va bene") == ["utter_consent_thanks", "utter_greet"]


def test_who_declines_still_gets_information_and_the_emergency_numbers(
    chat: Chat, db: Database
) -> None:
    chat.say("ciao")
    assert chat.press("/deny") == ["utter_consent_declined"]

    assert chat.say("vorrei informazioni sugli orari") == ["utter_ask_info"]
    assert chat.say("grazie") == ["utter_thank"]
    assert chat.say("vorrei segnalare un problema") == ["utter_need_consent"]
    assert chat.say("mio padre non respira") == ["utter_emergency", "utter_emergency_no_consent"]
    assert count(db, Message) == 0
    assert count(db, Conversation) == 0
    assert the_person(db).consent_declined_at is not None


def test_who_declined_can_accept_later(chat: Chat, db: Database) -> None:
    chat.say("ciao")
    chat.press("/deny")

    assert chat.press("/affirm") == ["utter_consent_thanks"]
    assert chat.say("vorrei segnalare un problema") == ["utter_ask_problem_text"]
    assert the_person(db).consent_at is not None


def test_an_emergency_gets_the_numbers_before_the_privacy_notice(chat: Chat, db: Database) -> None:
    replies = chat.say("mio padre non respira")

    assert replies == ["utter_emergency", "utter_emergency_no_consent", "utter_privacy_notice"]
    assert count(db, Message) == 0
    # Once accepted, the urgent message is handled as such: the emergency flow runs.
    assert chat.press("/affirm") == ["utter_consent_thanks", "utter_emergency"]


def test_the_same_user_id_on_two_channels_is_two_people(assistant: Assistant, db: Database) -> None:
    Chat(assistant, user="42", channel=Channel.TELEGRAM).say("ciao")
    Chat(assistant, user="42", channel=Channel.WHATSAPP).say("ciao")

    with db.unit_of_work() as session:
        pseudonyms = session.scalars(select(Person.pseudonym)).all()
    assert len(set(pseudonyms)) == 2
