"""Whole conversations through the engine: collect, confirm, correct, cancel, digress, resume."""

import logging
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Conversation, Idea, Message, Report, Volunteer
from bot.engine import Assistant
from tests.engine.conftest import Chat

TRIGGER = "vorrei segnalare una cosa a bruino"
PROBLEM = "mia nonna vive da sola e non esce più di casa da settimane"


def reports(db: Database) -> list[Report]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(Report).order_by(Report.id)))


def state(db: Database) -> dict[str, Any]:
    with db.unit_of_work() as session:
        return session.scalars(select(Conversation.state)).one()


def test_a_report_is_collected_confirmed_and_stored(consented: Chat, db: Database) -> None:
    assert consented.say(TRIGGER) == ["utter_ask_problem_text"]
    assert consented.say(PROBLEM) == ["utter_ask_report_confirmed"]
    assert consented.say("si") == ["utter_report_submitted"]

    [report] = reports(db)
    assert (report.comune, report.text, report.category) == ("Bruino", PROBLEM, "other")
    assert state(db).get("stack") is None
    # What was collected is forgotten with the flow: the next report asks again.
    assert consented.say("devo fare una segnalazione") == ["utter_ask_problem_text"]


def test_the_confirmation_shows_what_was_understood(consented: Chat) -> None:
    consented.say(TRIGGER)
    [question] = consented.send(consented.message(PROBLEM))

    assert question.text == f"Ricapitolo: {PROBLEM}, a Bruino. Mando?"
    assert [button.payload for button in question.buttons] == ["/affirm", "/deny"]


def test_the_town_of_a_district_fills_the_town(consented: Chat, db: Database) -> None:
    consented.say("devo fare una segnalazione")
    consented.say(PROBLEM)

    assert consented.say("abito a borgaretto") == ["utter_ask_report_confirmed"]
    consented.say("si")
    assert reports(db)[0].comune == "Beinasco"


def test_a_correction_at_the_confirmation_changes_the_town(consented: Chat, db: Database) -> None:
    consented.say(TRIGGER)
    consented.say(PROBLEM)

    replies = consented.send(consented.message("no, volevo dire orbassano"))

    assert [r.response for r in replies] == ["utter_corrected", "utter_ask_report_confirmed"]
    assert replies[0].text == "Ho corretto: Orbassano."
    assert "a Orbassano" in replies[1].text
    consented.say("si")
    assert reports(db)[0].comune == "Orbassano"


def test_a_town_named_at_the_yes_no_question_is_a_correction(consented: Chat, db: Database) -> None:
    consented.say(TRIGGER)
    consented.say(PROBLEM)

    assert consented.say("no a piossasco") == ["utter_corrected", "utter_ask_report_confirmed"]
    consented.say("si")
    assert reports(db)[0].comune == "Piossasco"


def test_a_correction_before_the_confirmation_keeps_the_question(
    consented: Chat, db: Database
) -> None:
    consented.say(TRIGGER)

    assert consented.say("anzi volvera") == ["utter_corrected", "utter_ask_problem_text"]
    consented.say(PROBLEM)
    consented.say("si")
    assert reports(db)[0].comune == "Volvera"


def test_saying_no_at_the_confirmation_stores_nothing(consented: Chat, db: Database) -> None:
    consented.say(TRIGGER)
    consented.say(PROBLEM)

    assert consented.say("no") == ["utter_report_discarded"]
    assert reports(db) == []
    assert state(db).get("stack") is None


def test_giving_up_drops_the_flow_and_what_it_collected(consented: Chat, db: Database) -> None:
    consented.say(TRIGGER)

    assert consented.say("lascia stare") == ["utter_flow_cancelled"]
    after = state(db)
    assert "stack" not in after
    assert "comune" not in after.get("slots", {})
    assert consented.say("devo fare una segnalazione") == ["utter_ask_problem_text"]
    assert consented.say(PROBLEM) == ["utter_ask_comune"]


def test_a_town_outside_the_consortium_is_refused_and_asked_again(consented: Chat) -> None:
    consented.say("devo fare una segnalazione")
    consented.say(PROBLEM)

    assert consented.say("rivoli") == ["utter_comune_unknown", "utter_ask_comune"]
    assert consented.say("bruino") == ["utter_ask_report_confirmed"]


def test_an_answer_that_does_not_fit_is_asked_again(consented: Chat) -> None:
    consented.say("devo fare una segnalazione")
    consented.say(PROBLEM)

    assert consented.say("boh") == ["utter_ask_rephrase", "utter_ask_comune"]


def test_another_request_mid_flow_is_a_digression_and_the_flow_resumes(
    consented: Chat, db: Database
) -> None:
    consented.say("devo fare una segnalazione")
    consented.say(PROBLEM)

    assert consented.say("voglio fare il volontario") == ["utter_ask_availability"]
    assert consented.say("il sabato mattina") == ["utter_ask_comune"]
    assert consented.say("bruino") == [
        "utter_help_saved",
        "utter_thanks_for_help",
        "utter_continue_interrupted",
        # The town just given is kept for the report, whose confirmation comes next.
        "utter_ask_report_confirmed",
    ]
    consented.say("si")
    with db.unit_of_work() as session:
        volunteer = session.scalars(select(Volunteer)).one()
    assert (volunteer.availability, volunteer.comune) == ("il sabato mattina", "Bruino")
    assert reports(db)[0].text == PROBLEM


def test_an_emergency_interrupts_the_flow_which_then_resumes(consented: Chat) -> None:
    consented.say("devo fare una segnalazione")
    consented.say(PROBLEM)

    assert consented.say("aiuto mio padre non respira") == [
        "utter_emergency",
        "utter_continue_interrupted",
        "utter_ask_comune",
    ]
    assert consented.say("bruino") == ["utter_ask_report_confirmed"]


def test_a_restart_mid_flow_resumes_at_the_same_step(
    consented: Chat, make_assistant: Callable[[], Assistant], db: Database
) -> None:
    consented.say("devo fare una segnalazione")
    consented.say(PROBLEM)

    after_restart = Chat(make_assistant(), user=consented.user)

    assert after_restart.say("bruino") == ["utter_ask_report_confirmed"]
    assert after_restart.say("si") == ["utter_report_submitted"]
    assert reports(db)[0].comune == "Bruino"


def test_a_retried_update_is_answered_once(consented: Chat, db: Database) -> None:
    consented.say("devo fare una segnalazione")
    message = consented.message(PROBLEM)
    first = consented.send(message)
    before = state(db)
    with db.unit_of_work() as session:
        rows = session.scalar(select(func.count()).select_from(Message))

    assert [reply.response for reply in first] == ["utter_ask_comune"]
    assert consented.send(message) == []
    assert state(db) == before
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == rows


def test_an_action_that_fails_loses_nothing_already_said(consented: Chat, db: Database) -> None:
    replies = consented.send(consented.message("rompi tutto"))

    assert [reply.response for reply in replies] == ["utter_internal_error"]
    with db.unit_of_work() as session:
        # What the action wrote before failing is taken back; the message it answered is kept.
        assert session.scalars(select(Idea)).all() == []
        said = session.scalars(select(Message.text).where(Message.direction == "in")).all()
    assert "rompi tutto" in said
    assert state(db).get("stack") is None
    assert consented.say("conta") == ["utter_counted"]


def test_a_button_can_fill_the_flow_at_once(consented: Chat) -> None:
    [reply] = consented.send(consented.message("", payload='/subscribe{"comune": "Bruino"}'))

    assert (reply.response, reply.text) == ("utter_subscribed", "Ti scrivo le novità di Bruino.")


def test_an_intent_without_a_flow_gets_its_own_answer(consented: Chat) -> None:
    assert consented.say("mi dai informazioni sugli orari?") == ["utter_ask_info"]


def test_what_is_not_understood_gets_what_the_bot_can_do(consented: Chat) -> None:
    [reply] = consented.send(consented.message("parliamo di calcio"))

    assert reply.response == "utter_default"
    assert reply.buttons[0].payload == "/report_problem"


def test_the_count_survives_between_turns(consented: Chat) -> None:
    replies = [consented.send(consented.message("conta"))[0].text for _ in range(3)]

    assert replies == ["Siamo a 1.", "Siamo a 2.", "Siamo a 3."]


def test_an_action_can_reset_the_slots_and_ask_for_a_follow_up(consented: Chat) -> None:
    consented.say("conta")
    consented.say("conta")

    assert consented.say("ricominciamo") == ["utter_greet"]
    assert consented.send(consented.message("conta"))[0].text == "Siamo a 1."


def test_a_long_story_that_says_lascia_perdere_is_still_the_story(
    consented: Chat, db: Database
) -> None:
    story = "mio figlio mi dice sempre lascia perdere ma io non dormo da giorni per i debiti"
    consented.say("devo fare una segnalazione")

    assert consented.say(story) == ["utter_ask_comune"]
    assert consented.say("lascia perdere") == ["utter_flow_cancelled"]


def test_the_logs_never_carry_what_the_person_wrote(
    consented: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    consented.say("rompi la mia privacy segreta")

    assert "action action_write_then_fail failed" in caplog.text
    assert "privacy segreta" not in caplog.text


def test_a_town_named_in_the_first_message_is_checked_too(consented: Chat) -> None:
    consented.say("vorrei segnalare una cosa a rivoli")

    assert consented.say(PROBLEM) == ["utter_comune_unknown", "utter_ask_comune"]
