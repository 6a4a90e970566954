"""Reporting a problem, from the first "ciao" to a reference and a row in the right queue."""

import re
from collections.abc import Callable

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Report
from bot.engine import Assistant
from tests.conversations.conftest import Person

REFERENCE = re.compile(r"n\. (\d{4}-\d{4})")


def reports(db: Database) -> list[Report]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(Report).order_by(Report.id)))


def test_a_first_message_that_tells_everything_is_answered_after_consent(
    assistant: Assistant, db: Database
) -> None:
    anna = Person(assistant, "anna")
    notice = anna.says(
        "buongiorno mia mamma ha 88 anni vive da sola a bruino e non riesce piu a fare la spesa"
    )
    assert "Accetto" in anna.buttons() and "cancella i miei dati" in notice
    assert reports(db) == []

    answer = anna.taps("Accetto")
    # Nothing to ask again: the story and the town were in the first message.
    assert "«buongiorno mia mamma ha 88 anni" in answer and "a Bruino" in answer

    answer = anna.says("si grazie")
    reference = REFERENCE.search(answer)
    assert reference is not None
    assert "agli operatori dell'area anziani e disabilità" in answer
    (report,) = reports(db)
    assert report.reference == reference.group(1)
    assert (report.category, report.comune, report.queue, report.kind) == (
        "elderly_care",
        "Bruino",
        "anziani_disabilita",
        "report",
    )
    assert report.urgency in ("medium", "low")
    assert report.text.startswith("buongiorno mia mamma ha 88 anni")


def test_all_capitals_and_typos_as_an_elderly_person_writes(maria: Person, db: Database) -> None:
    summary = maria.says(
        "BUONGIORNO MIO MARITO E ANZAINO E NON CAMMINA PIU HO BISOGNO DI QUALCUNO CHE MI AIUTA "
        "A ORBASANO"
    )
    assert "a Orbassano" in summary
    assert REFERENCE.search(maria.says("SI"))
    (report,) = reports(db)
    assert (report.category, report.comune, report.queue) == (
        "elderly_care",
        "Orbassano",
        "anziani_disabilita",
    )


def test_the_bot_asks_what_it_does_not_know_and_a_district_names_its_town(
    maria: Person, db: Database
) -> None:
    maria.says("ciao")
    maria.taps("Segnalare un problema")
    assert maria.responses() == ["utter_ask_problem_text"] and reports(db) == []

    summary = maria.says("il vicino di casa a borgaretto fa rumore tutte le notti fino alle 3")
    # Borgaretto is in Beinasco: no need to ask the town.
    assert "a Beinasco" in summary

    answer = maria.says("si")
    assert REFERENCE.search(answer)
    (report,) = reports(db)
    assert (report.comune, report.frazione, report.category) == (
        "Beinasco",
        "Borgaretto",
        "neighbourhood",
    )


def test_changing_the_town_at_the_summary_and_adding_a_photo(maria: Person, db: Database) -> None:
    answer = maria.says(
        "ce un lampione rotto in via roma a bruino da una settimana, di sera e buio"
    )
    # An urban problem: a photo or the position helps whoever fixes it.
    assert "foto" in answer and "Va bene così" in maria.buttons()
    maria.sends_photo("photo-lampione")
    assert maria.responses() == ["utter_photo_received"]

    summary = maria.taps("Va bene così")
    assert "a Bruino" in summary

    corrected = maria.says("no scusa volevo dire piossasco")
    assert "Piossasco" in corrected and "a Piossasco" in corrected

    answer = maria.says("si")
    assert "agli operatori del Comune di Piossasco" in answer
    (report,) = reports(db)
    assert (report.category, report.comune, report.queue) == (
        "public_spaces",
        "Piossasco",
        "spazi_pubblici_piossasco",
    )
    assert report.photo_file_ids == ["photo-lampione"]


def test_choosing_the_town_from_the_buttons(maria: Person, db: Database) -> None:
    question = maria.says("mio figlio di 14 anni non va piu a scuola da un mese e non so cosa fare")
    assert "comune" in question
    assert maria.buttons()[:6] == [
        "Beinasco", "Bruino", "Orbassano", "Piossasco", "Rivalta di Torino", "Volvera",
    ]  # fmt: skip
    maria.taps("Volvera")
    maria.says("si")
    (report,) = reports(db)
    assert (report.comune, report.category, report.queue) == (
        "Volvera",
        "family_minors",
        "minori_famiglie",
    )


def test_giving_up_halfway_leaves_nothing_behind(maria: Person, db: Database) -> None:
    maria.says("il mio vicino lascia sempre la spazzatura sulle scale a volvera")
    answer = maria.says("lascia stare")
    assert maria.responses() == ["utter_flow_cancelled"] and answer
    assert reports(db) == []
    # And the next report starts from scratch.
    maria.says("ciao")
    maria.taps("Segnalare un problema")
    assert maria.responses() == ["utter_ask_problem_text"]


def test_announcing_a_report_in_words_asks_what_happened(maria: Person) -> None:
    for announcement in ("vorrei fare una segnalazione", "devo segnalare una cosa"):
        maria.says(announcement)
        assert maria.responses() == ["utter_ask_problem_text"], announcement
        maria.says("lascia stare")


def test_saying_no_at_the_summary_sends_nothing(maria: Person, db: Database) -> None:
    maria.says("la fontana del parco di rivalta perde acqua da giorni")
    if "Va bene così" in maria.buttons():
        maria.taps("Va bene così")
    maria.says("no")
    assert maria.responses() == ["utter_report_not_sent"]
    assert reports(db) == []


def test_a_restart_in_the_middle_of_the_report_resumes_where_it_was(
    make_assistant: Callable[[], Assistant], db: Database
) -> None:
    before = Person(make_assistant(), "luca")
    before.accepts_privacy()
    before.says("non trovo lavoro da un anno e ho due figli, non so piu come pagare le bollette")

    # The process restarts: a new Assistant over the same database.
    after = Person(make_assistant(), "luca")
    after.says("orbassano")
    assert "a Orbassano" in after.last[-1].text
    answer = after.says("si")
    assert REFERENCE.search(answer)
    (report,) = reports(db)
    assert report.comune == "Orbassano" and report.queue == "lavoro_casa"
    assert report.text.startswith("non trovo lavoro da un anno")
