"""Asking for a human, information, and one's own data: see it, take a copy, erase it."""

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import (
    Conversation,
    Message,
    OutboxMessage,
    Registration,
    Report,
    Subscription,
)
from bot.db.models import (
    Person as PersonRow,
)
from bot.engine import Assistant
from tests.conversations.conftest import Person


def count(db: Database, model: type) -> int:
    with db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_asking_for_a_human_lands_in_the_right_queue_with_when(maria: Person, db: Database) -> None:
    question = maria.says("vorrei parlare con un operatore")
    assert "di cosa" in question
    maria.says("per la casa popolare, ho fatto domanda due anni fa e non so niente")
    answer = maria.taps("Rivalta di Torino")
    assert "agli operatori dell'area lavoro e casa" in answer
    assert "entro due giorni lavorativi" in answer
    with db.unit_of_work() as session:
        report = session.scalars(select(Report)).one()
        assert (report.kind, report.category, report.queue, report.comune, report.urgency) == (
            "contact",
            "housing",
            "lavoro_casa",
            "Rivalta di Torino",
            "medium",
        )


def test_information_about_the_service_micro_credit_and_offices(maria: Person) -> None:
    answer = maria.says("come funziona il microcredito?")
    assert "piccolo prestito" in answer
    answer = maria.says("a che ora e aperto l ufficio?")
    assert "sito del consorzio" in answer
    answer = maria.says("cos e scintille")
    assert "Beinasco, Bruino, Orbassano, Piossasco, Rivalta di Torino e Volvera" in answer


def test_greetings_thanks_goodbyes_and_what_we_do_not_do(maria: Person) -> None:
    maria.says("buongiorno")
    assert maria.responses() == ["utter_greet"] and "Segnalare un problema" in maria.buttons()
    maria.says("grazie mille")
    assert maria.responses() == ["utter_thank"]
    maria.says("a presto buona giornata")
    assert maria.responses() == ["utter_goodbye"]
    answer = maria.says("chi vince il campionato quest anno?")
    assert (
        maria.responses() == ["utter_out_of_scope"] and "Segnalare un problema" in maria.buttons()
    )
    assert answer


def test_what_we_keep_and_a_readable_copy(maria: Person, db: Database) -> None:
    answer = maria.says("che dati tenete su di me?")
    assert "Lo leggono solo gli operatori" in answer
    maria.says("la panchina di piazza garibaldi a beinasco e rotta")
    if "Va bene così" in maria.buttons():
        maria.taps("Va bene così")
    maria.says("si")
    copy = maria.says("voglio una copia dei miei dati")
    assert "Ecco tutto quello che teniamo su di te" in copy
    with db.unit_of_work() as session:
        reference = session.scalars(select(Report.reference)).one()
    assert f"Segnalazione n. {reference}" in copy and "panchina di piazza garibaldi" in copy


def test_erasing_everything_after_a_confirmation(
    maria: Person, db: Database, calendar: dict[str, int], assistant: Assistant
) -> None:
    maria.says("cosa ce in programma a orbassano")
    maria.taps("Prenota un posto")
    maria.says("si")
    maria.says("avvisami degli eventi")
    maria.taps("Orbassano")
    question = maria.says("cancella i miei dati")
    assert "non si può tornare indietro" in question
    answer = maria.says("si")
    assert "Ho cancellato tutto" in answer
    for model in (PersonRow, Conversation, Message, Registration, Subscription, Report):
        assert count(db, model) == 0, model.__name__
    with db.unit_of_work() as session:
        assert session.scalars(select(OutboxMessage.person_id)).all() in ([], [None])
    # Writing again is meeting the bot for the first time.
    again = Person(assistant, "maria")
    again.says("ciao")
    assert again.responses() == ["utter_privacy_notice"]


def test_changing_ones_mind_about_erasing(maria: Person, db: Database) -> None:
    maria.says("voglio che cancelliate i miei dati")
    answer = maria.says("no")
    assert "non cancello niente" in answer
    assert count(db, PersonRow) == 1
